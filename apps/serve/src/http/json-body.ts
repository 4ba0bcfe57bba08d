import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a request body of at most `maxBytes` (a declared or actual size over it is a 413);
 * resolves once the whole body is in; rejects when `signal` aborts.
 */
export async function readBody(req: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(declared, maxBytes);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    const fail = (error: unknown) => {
      cleanup();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) fail(tooLarge(size, maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => fail(new HttpError(400, 'invalid_request_error', `could not read the body: ${error.message}`));
    const onAbort = () => fail(signal.reason);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Reads a request body of at most `maxBytes` and parses it as JSON. A declared or actual size
 * over the limit is a 413; an empty body, bytes that are not UTF-8 or text that is not JSON a
 * 400 saying which. Resolves once the whole body is in; rejects when `signal` aborts.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<unknown> {
  return parse(await readBody(req, maxBytes, signal));
}

function tooLarge(size: number, maxBytes: number): HttpError {
  return new HttpError(413, 'payload_too_large', `body of ${size} bytes exceeds the limit of ${maxBytes} bytes (--max-body-bytes)`, 'body', 'body_too_large');
}

function parse(bytes: Buffer): unknown {
  if (bytes.length === 0) throw new HttpError(400, 'invalid_request_error', 'body is empty; expected JSON', 'body', 'empty_body');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new HttpError(400, 'invalid_request_error', 'body is not valid UTF-8', 'body', 'invalid_utf8');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof RangeError ? 'nested too deeply' : (error as Error).message;
    throw new HttpError(400, 'invalid_request_error', `body is not valid JSON: ${reason}`, 'body', 'invalid_json');
  }
}
