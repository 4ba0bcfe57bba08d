import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageSourceError } from '../errors.js';

/** Orders strings by their UTF-8 bytes, so listings sort the same on every machine and locale. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function sortByKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  const keyed = items.map((item) => ({ item, bytes: Buffer.from(key(item), 'utf8') }));
  keyed.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
  return keyed.map((k) => k.item);
}

/** Sorts items by `id` with `compareBytes`, returning a new array. */
export function sortById<T extends { readonly id: string }>(items: readonly T[]): T[] {
  return sortByKey(items, (item) => item.id);
}

/**
 * Lists every regular file under `dir` recursively as paths relative to `dir` with `/`
 * separators, in byte order per folder, skipping names that start with `.`; symbolic links are
 * followed, and a folder reached twice (through links) is listed only the first time.
 */
export async function walkFiles(dir: string): Promise<string[]> {
  let rootReal: string;
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) throw new ImageSourceError('not-found', `${dir}: not a directory`);
    rootReal = await realpath(dir);
  } catch (err) {
    if (err instanceof ImageSourceError) throw err;
    throw new ImageSourceError('not-found', `${dir}: directory not found`, { cause: err });
  }
  const seen = new Set<string>([rootReal]);
  const out: string[] = [];
  const visit = async (abs: string, rel: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (err) {
      throw new ImageSourceError('not-found', `${abs}: cannot list directory`, { cause: err });
    }
    // Directory order differs between file systems; a fixed order decides which of two links to one folder is kept.
    for (const entry of sortByKey(entries, (e) => e.name)) {
      if (entry.name.startsWith('.')) continue;
      const childAbs = join(abs, entry.name);
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await stat(childAbs).catch(() => undefined);
        if (!target) continue;
        isDir = target.isDirectory();
        isFile = target.isFile();
      }
      if (isDir) {
        const real = await realpath(childAbs);
        if (seen.has(real)) continue;
        seen.add(real);
        await visit(childAbs, childRel);
      }
      if (isFile) out.push(childRel);
    }
  };
  await visit(dir, '');
  return out;
}

/** Splits a relative path into its folder (with trailing `/`, or empty), stem and lower-cased extension (with dot). */
export function splitPath(rel: string): { folder: string; stem: string; ext: string } {
  const slash = rel.lastIndexOf('/');
  const folder = rel.slice(0, slash + 1);
  const name = rel.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { folder, stem: name, ext: '' };
  return { folder, stem: name.slice(0, dot), ext: name.slice(dot).toLowerCase() };
}
