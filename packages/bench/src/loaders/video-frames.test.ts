import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFrames, sampleFrameIndices } from './video-frames.js';

describe('sampleFrameIndices', () => {
  it('matches numpy linspace(0, total-1, n).round(), halves to even', () => {
    expect(sampleFrameIndices(10, 4)).toEqual([0, 3, 6, 9]);
    expect(sampleFrameIndices(11, 4)).toEqual([0, 3, 7, 10]);
    expect(sampleFrameIndices(6, 3)).toEqual([0, 2, 5]);
    expect(sampleFrameIndices(8, 3)).toEqual([0, 4, 7]);
    expect(sampleFrameIndices(4, 3)).toEqual([0, 2, 3]);
  });

  it('keeps every frame when there are no more than asked', () => {
    expect(sampleFrameIndices(5, 128)).toEqual([0, 1, 2, 3, 4]);
    expect(sampleFrameIndices(0, 16)).toEqual([]);
  });

  it('returns count distinct increasing indices ending at the last frame', () => {
    const idx = sampleFrameIndices(3000, 128);
    expect(idx).toHaveLength(128);
    expect(idx[127]).toBe(2999);
    for (let i = 1; i < idx.length; i++) expect(idx[i]!).toBeGreaterThan(idx[i - 1]!);
  });

  it('rejects nonsense arguments', () => {
    expect(() => sampleFrameIndices(10, 0)).toThrow(/count/);
  });
});

describe('listFrames', () => {
  it('orders frame files naturally and ignores other files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-frames-'));
    for (const n of ['10.jpg', '2.jpg', '1.JPG', 'notes.txt', 'frame_003.png']) await writeFile(join(dir, n), '');
    expect((await listFrames(dir)).map((p) => p.slice(dir.length + 1))).toEqual(['1.JPG', '2.jpg', '10.jpg', 'frame_003.png']);
  });
});
