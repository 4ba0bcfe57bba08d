import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

/** Where a body read learns that its request was aborted: the reader sets `onCancel`, the owner calls it once. */
export interface BodyCancel {
  onCancel: ((reason: unknown) => void) | undefined;
}

/**
 * Reads a request body of at most `maxBytes` (a declared or actual size over it is a 413);
 * resolves once the whole body is in; rejects with the reason `cancel.onCancel` is called with
 * (an owner's hook rather than an `AbortSignal`, which would cost a listener per request). A body
 * that arrives in one chunk is returned without a copy.
 */
export function collectBody(req: IncomingMessage, maxBytes: number, cancel: BodyCancel): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge(declared, maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      cancel.onCancel = undefined;
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
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => fail(new HttpError(400, 'invalid_request_error', `could not read the body: ${error.message}`));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    cancel.onCancel = fail;
  });
}

function tooLarge(size: number, maxBytes: number): HttpError {
  return new HttpError(413, 'payload_too_large', `body of ${size} bytes exceeds the limit of ${maxBytes} bytes (--max-body-bytes)`, 'body', 'body_too_large');
}

/**
 * Parses a request body as JSON: an empty body, bytes that are not UTF-8 or text that is not
 * JSON is a 400 saying which. A leading byte-order mark is dropped, as a WHATWG UTF-8 decoder does.
 */
export function parseJsonBody(bytes: Buffer): unknown {
  if (bytes.length === 0) throw new HttpError(400, 'invalid_request_error', 'body is empty; expected JSON', 'body', 'empty_body');
  if (!isUtf8(bytes)) throw new HttpError(400, 'invalid_request_error', 'body is not valid UTF-8', 'body', 'invalid_utf8');
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const text = bytes.toString('utf8', bom);
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof RangeError ? 'nested too deeply' : (error as Error).message;
    throw new HttpError(400, 'invalid_request_error', `body is not valid JSON: ${reason}`, 'body', 'invalid_json');
  }
}
