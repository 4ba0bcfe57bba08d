import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

/** The text fields and the files (by field name, the last one wins) of a `multipart/form-data` body. */
export interface FormBody {
  readonly fields: ReadonlyMap<string, string>;
  readonly files: ReadonlyMap<string, Uint8Array>;
}

/** Parses a `multipart/form-data` body already read into `bytes`; a malformed one is a 400. */
export async function readForm(req: IncomingMessage, bytes: Buffer): Promise<FormBody> {
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
  } catch (error) {
    throw new HttpError(400, 'invalid_request_error', `body is not valid multipart/form-data: ${(error as Error).message}`, 'body', 'invalid_form');
  }
  const fields = new Map<string, string>();
  const files = new Map<string, Uint8Array>();
  for (const [name, value] of form) {
    if (typeof value === 'string') fields.set(name, value);
    else files.set(name, new Uint8Array(await value.arrayBuffer()));
  }
  return { fields, files };
}

/** The bytes of a base64 `data:` URL in JSON field `field`; anything else is a 400 naming the field. */
export function dataUrlBytes(url: string, field: string): Uint8Array {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:') || comma === -1 || !url.slice(0, comma).endsWith(';base64')) {
    throw new HttpError(400, 'invalid_request_error', `${field}: expected a base64 data URL (data:…;base64,…)`, field, 'invalid_data_url');
  }
  const payload = url.slice(comma + 1);
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload)) throw new HttpError(400, 'invalid_request_error', `${field}: the data URL payload is not valid base64`, field, 'invalid_data_url');
  const buf = Buffer.from(payload, 'base64');
  if (buf.length === 0) throw new HttpError(400, 'invalid_request_error', `${field}: the data URL holds no bytes`, field, 'invalid_data_url');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
