import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage, type ClipFrame, type RgbImage } from '@spatial-ssrl/image';
import { readSamples } from '@spatial-ssrl/spec/node';
import type { SampleRecord } from '@spatial-ssrl/spec';
import { generateDataset } from '../../dataset/writer.js';
import { resolveClipSource } from '../../source-spec.js';
import type { Task } from '../../task.js';

/** A written sample with its decoded images. */
export interface WrittenClipSample {
  readonly record: SampleRecord;
  readonly shown: RgbImage[];
}

/**
 * Generates a dataset of one clip task from the clip source `clips` with the dataset writer (one
 * thread) and reads it back: the records with their decoded PNGs, and `framesOf(id)`, every frame
 * of a source clip decoded afresh from the source, in clip order.
 */
export async function writeClipSamples(options: { task: Task<any, any>; params?: unknown; clips: string; count: number; seed?: number }): Promise<{
  out: string;
  samples: WrittenClipSample[];
  framesOf(id: string): Promise<ClipFrame[]>;
}> {
  const out = await mkdtemp(join(tmpdir(), `ssrl-${options.task.id}-`));
  await generateDataset({ sources: [], clips: [options.clips], tasks: [{ task: options.task, params: options.params }], count: options.count, seed: options.seed ?? 0, out, workers: 1 });
  const samples: WrittenClipSample[] = [];
  for await (const record of readSamples(out)) {
    samples.push({ record, shown: await Promise.all(record.images.map(async (p) => decodeImage(await readFile(join(out, p))))) });
  }
  const items = await resolveClipSource(options.clips).list();
  const cache = new Map<string, ClipFrame[]>();
  return {
    out,
    samples,
    async framesOf(id) {
      let frames = cache.get(id);
      if (!frames) {
        const item = items.find((i) => i.id === id);
        if (!item) throw new Error(`no clip ${id} in ${options.clips}`);
        const info = await item.probe();
        frames = await item.frames(Array.from({ length: info.frameCount }, (_, k) => k));
        cache.set(id, frames);
      }
      return frames;
    },
  };
}
