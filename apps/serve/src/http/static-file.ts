import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HttpError } from './http-error.js';
import { HANDLED } from './http-server.js';

const TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.md': 'text/markdown; charset=utf-8',
  '.json': 'application/json',
  '.jsonl': 'application/x-ndjson',
  '.txt': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Whether `path` lies inside `root` (both absolute, already resolved). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * Streams file `rel` from directory `root` with a content type from its extension. Paths that
 * leave `root` (`..`, symbolic links pointing out) and extensions not in `allowed` are a 404, as
 * is a missing file. Files other than pages and scripts are sent with a policy that runs no
 * script in them (an SVG from a run folder stays a picture).
 */
export async function sendFile(res: ServerResponse, root: string, rel: string, allowed: readonly string[]): Promise<typeof HANDLED> {
  const ext = extname(rel).toLowerCase();
  const notFound = () => new HttpError(404, 'not_found', `no file ${rel}`, 'path', 'file_not_found');
  if (!allowed.includes(ext) || !TYPES[ext]) throw notFound();
  let path: string;
  let size: number;
  try {
    const base = await realpath(root);
    path = await realpath(join(base, rel));
    if (!isInside(base, path)) throw notFound();
    const s = await stat(path);
    if (!s.isFile()) throw notFound();
    size = s.size;
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw notFound();
  }
  const headers: Record<string, string | number> = { 'Content-Type': TYPES[ext], 'Content-Length': size, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };
  if (ext !== '.html' && ext !== '.js' && ext !== '.css') headers['Content-Security-Policy'] = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'";
  res.writeHead(200, headers);
  await pipeline(createReadStream(path), res).catch(() => res.destroy());
  return HANDLED;
}
