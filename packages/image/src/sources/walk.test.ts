import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareBytes, sortById, splitPath, walkFiles } from './walk.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ssrl-walk-'));
  await mkdir(join(root, 'a/b'), { recursive: true });
  await mkdir(join(root, '.git'), { recursive: true });
  await writeFile(join(root, 'a/b/one.jpg'), '1');
  await writeFile(join(root, 'top.png'), '2');
  await writeFile(join(root, '.git/config'), '3');
  await writeFile(join(root, 'a/.DS_Store'), '4');
  await symlink(join(root, 'a'), join(root, 'link'));
  await symlink(root, join(root, 'a/loop'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('compareBytes and sortById', () => {
  it('orders by UTF-8 bytes, not UTF-16 code units', () => {
    expect(compareBytes('\u{FF21}', '\u{1F600}')).toBeLessThan(0);
    expect('\u{FF21}' < '\u{1F600}').toBe(false);
    expect(compareBytes('Z', 'a')).toBeLessThan(0);
    expect(compareBytes('a', 'a')).toBe(0);
    const sorted = sortById([{ id: '\u{1F600}' }, { id: 'b' }, { id: 'B' }, { id: '\u{FF21}' }, { id: 'ä' }]);
    expect(sorted.map((s) => s.id)).toEqual(['B', 'b', 'ä', '\u{FF21}', '\u{1F600}']);
  });
});

describe('walkFiles', () => {
  it('lists files recursively with / separators, skipping dot names and visiting each folder once', async () => {
    const files = (await walkFiles(root)).sort(compareBytes);
    expect(files).toEqual(['a/b/one.jpg', 'top.png']);
  });

  it('reports missing directories', async () => {
    await expect(walkFiles(join(root, 'missing'))).rejects.toMatchObject({ name: 'ImageSourceError', code: 'not-found' });
    await expect(walkFiles(join(root, 'top.png'))).rejects.toThrow(/not a directory/);
  });
});

describe('splitPath', () => {
  it('splits folder, stem and lower-cased extension', () => {
    expect(splitPath('x/y/IMG.JPG')).toEqual({ folder: 'x/y/', stem: 'IMG', ext: '.jpg' });
    expect(splitPath('a.tar.gz')).toEqual({ folder: '', stem: 'a.tar', ext: '.gz' });
    expect(splitPath('d/README')).toEqual({ folder: 'd/', stem: 'README', ext: '' });
  });
});
