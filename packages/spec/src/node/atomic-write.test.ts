import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moveDirAtomic, replaceDirAtomic, writeFileAtomic } from './atomic-write.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ssrl-atomic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('survives many concurrent writes to one file and leaves no temp file behind', async () => {
    const file = path.join(dir, 'deep', 'x.json');
    const values = Array.from({ length: 64 }, (_, i) => `value ${i}\n`);
    await Promise.all(values.map((v) => writeFileAtomic(file, v)));
    expect(values).toContain(await readFile(file, 'utf8'));
    expect(await readdir(path.dirname(file))).toEqual(['x.json']);
  });

  it('removes its temp file when the write fails', async () => {
    const target = path.join(dir, 'is-a-dir');
    await writeFileAtomic(path.join(target, 'inside'), 'x');
    await expect(writeFileAtomic(target, 'y')).rejects.toThrow();
    expect((await readdir(dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
  it('stages the temp file in tmpDir when given', async () => {
    const staging = path.join(dir, 'staging');
    await writeFileAtomic(path.join(staging, 'keep'), '');
    const file = path.join(dir, 'out', 'img.png');
    await writeFileAtomic(file, new Uint8Array([1, 2, 3]), { tmpDir: staging });
    expect([...(await readFile(file))]).toEqual([1, 2, 3]);
    expect(await readdir(staging)).toEqual(['keep']);
  });
});

describe('replaceDirAtomic', () => {
  it('swaps a directory for a new one, and keeps the old one when filling fails', async () => {
    const target = path.join(dir, 'ckpt');
    await replaceDirAtomic(target, (tmp) => writeFile(path.join(tmp, 'a'), '1'));
    await replaceDirAtomic(target, (tmp) => writeFile(path.join(tmp, 'b'), '2'));
    expect(await readdir(target)).toEqual(['b']);
    await expect(
      replaceDirAtomic(target, async () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(await readdir(target)).toEqual(['b']);
    expect((await readdir(dir)).filter((n) => n.startsWith('ckpt'))).toEqual(['ckpt']);
  });
});

describe('moveDirAtomic', () => {
  it('moves a kept temp directory into place, replacing what was there, and leaves nothing beside it', async () => {
    const target = path.join(dir, 'export');
    const staged = path.join(dir, '.export.partial');
    await writeFileAtomic(path.join(staged, 'a'), '1');
    await moveDirAtomic(staged, target);
    await writeFileAtomic(path.join(staged, 'b'), '2');
    await moveDirAtomic(staged, target);
    expect(await readdir(target)).toEqual(['b']);
    expect(await readFile(path.join(target, 'b'), 'utf8')).toBe('2');
    expect((await readdir(dir)).filter((n) => n.includes('export'))).toEqual(['export']);
  });

  it('leaves the old directory in place when the new one does not exist', async () => {
    const target = path.join(dir, 'kept');
    await writeFileAtomic(path.join(target, 'x'), '1');
    await expect(moveDirAtomic(path.join(dir, 'missing'), target)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(target)).toEqual(['x']);
    expect((await readdir(dir)).filter((n) => n.startsWith('kept'))).toEqual(['kept']);
  });
});
