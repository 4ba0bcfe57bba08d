import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleClip } from '../clip.js';
import { encodeImage } from '../codec.js';
import { ClipSourceError } from '../errors.js';
import { createRgb } from '../raster.js';
import { parseClipSourceSpec } from './clip-spec.js';
import { compareNatural, frameFolderSource, parseTimestamps } from './frame-folder-source.js';

let root: string;

async function put(rel: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(join(root, rel)), { recursive: true });
  await writeFile(join(root, rel), bytes);
}

// Frame k is a flat image whose red level is 10k.
const frame = (k: number, w = 8, h = 6) => encodeImage(createRgb(w, h, [10 * k, 0, 0]));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ssrl-frames-'));
  for (const k of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) await put(`scans/s1/frame_${k}.png`, await frame(k));
  for (const k of [0, 1, 2, 3]) await put(`scans/s2/${String(k).padStart(4, '0')}.png`, await frame(k));
  await put('scans/s2/timestamps.txt', '# seconds\n0.5\n0.75\n1.25\n\n2.0\n');
  for (const k of [0, 1, 2]) await put(`scans/s3/img${k}.png`, await frame(k));
  await put('scans/s3/timestamps.txt', 'img2.png 9.0\nimg0.png 8.0\nimg1.png 8.5\n');
  await put('scans/notes/readme.txt', 'no frames here');
  await put('bad/unordered/a0.png', await frame(0));
  await put('bad/unordered/a1.png', await frame(1));
  await put('bad/unordered/timestamps.txt', '1.0\n0.5\n');
  await put('bad/mixed/f0.png', await frame(0));
  await put('bad/mixed/f1.png', await frame(1, 10, 6));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('frameFolderSource', () => {
  it('lists every folder holding frames as one clip, frames in natural order', async () => {
    const source = frameFolderSource(join(root, 'scans'));
    expect(source).toMatchObject({ kind: 'clip', name: `frames:${join(root, 'scans')}`, hasDepth: false });
    const items = await source.list();
    expect(items.map((i) => i.id)).toEqual(['s1', 's2', 's3']);
    const s1 = items[0]!;
    const info = await s1.probe();
    expect(info).toMatchObject({ frameCount: 12, frameRate: 30, width: 8, height: 6 });
    const frames = await s1.frames([10, 2, 11]);
    expect(frames.map((f) => f.rgb.data[0])).toEqual([100, 20, 110]);
    expect(frames[0]!.time).toBeCloseTo(10 / 30, 12);
  });

  it('reads times from timestamps.txt, plain or by file name', async () => {
    const items = await frameFolderSource(join(root, 'scans')).list();
    const s2 = await items[1]!.probe();
    expect([0, 1, 2, 3].map((k) => s2.frameTime(k))).toEqual([0, 0.25, 0.75, 1.5]);
    expect(s2.frameRate).toBeCloseTo(2, 12);
    const s3 = await items[2]!.probe();
    expect([0, 1, 2].map((k) => s3.frameTime(k))).toEqual([0, 0.5, 1]);
    const picked = await sampleClip(items[1]!, { rule: 'uniform', frames: 2 }, 0);
    expect(picked.frames.map((f) => [f.index, f.time])).toEqual([[0, 0], [3, 1.5]]);
  });

  it('takes the frame rate from the spec for folders without timestamps', async () => {
    const [s1] = await parseClipSourceSpec(`frames:${join(root, 'scans')}?fps=12.5`).list();
    expect((await s1!.probe()).frameTime(5)).toBeCloseTo(0.4, 12);
  });

  it('rejects bad timestamps and frames of different sizes with codes', async () => {
    const [mixed, unordered] = await frameFolderSource(join(root, 'bad')).list();
    await expect(unordered!.probe()).rejects.toMatchObject({ code: 'bad-timestamps', message: expect.stringMatching(/must increase/) });
    const e = await mixed!.frames([0, 1]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ClipSourceError);
    expect(e).toMatchObject({ code: 'mixed-sizes', message: expect.stringMatching(/f1\.png: is 10×6 but the clip's first frame is 8×6/) });
    await expect(sampleClip((await frameFolderSource(join(root, 'scans')).list())[2]!, { rule: 'uniform', frames: 4 }, 0)).rejects.toMatchObject({ code: 'too-short' });
  });
});

describe('parseTimestamps', () => {
  it('checks counts, numbers and names', () => {
    expect(() => parseTimestamps('0\n1\n', ['a', 'b', 'c'], 't.txt')).toThrow(/lists 2 times for 3 frames/);
    expect(() => parseTimestamps('0\nx\n', ['a', 'b'], 't.txt')).toThrow(/"x" is not a number/);
    expect(() => parseTimestamps('a 0\nc 1\n', ['a', 'b'], 't.txt')).toThrow(/no time for frame b/);
    expect(() => parseTimestamps('0\n0\n', ['a', 'b'], 't.txt')).toThrow(/must increase/);
    expect(parseTimestamps('3\n4.5\n', ['a', 'b'], 't.txt')).toEqual([0, 1.5]);
  });
});

describe('compareNatural', () => {
  it('orders digit runs by value and ties by bytes', () => {
    expect(['f10.png', 'f2.png', 'f1.png', 'f02.png', 'e.png'].sort(compareNatural)).toEqual(['e.png', 'f1.png', 'f02.png', 'f2.png', 'f10.png']);
    expect(['x99999999999999999999.png', 'x100000000000000000000.png'].sort(compareNatural)[0]).toBe('x99999999999999999999.png');
  });
});
