import type { ModelConfig } from '@spatial-ssrl/model';
import { CounterRng } from '@spatial-ssrl/model/training';
import { prepareExamples, DEFAULT_TARGET_TEMPLATE, type TrainExample } from '../../sft/batching.js';
import type { ImageCache } from '../../sft/dataset.js';
import type { TrainingRecord } from '../../sft/batching.js';

/**
 * `count` prompts of two made-up tasks (`one`: one image, answer `0`-`3`; `two`: two images,
 * answer `A`/`B`) over seeded noise images, with the image cache they read from.
 */
export function makePrompts(config: ModelConfig, count: number, seed = 1): { examples: TrainExample[]; cache: ImageCache } {
  const rng = new CounterRng(seed);
  const size = config.imageSize;
  const per = size * size * 3;
  const records: TrainingRecord[] = [];
  const slots = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const two = i % 2 === 1;
    const images = (two ? [0, 1] : [0]).map((j) => `images/${i}-${j}.png`);
    for (const p of images) slots.set(p, slots.size);
    records.push({
      id: `p-${i}`,
      task: two ? 'two' : 'one',
      prompt: two ? '<image><image>Which one? A or B.' : '<image>Which quadrant?',
      answer: two ? (rng.next() < 0.5 ? 'A' : 'B') : String(Math.floor(rng.next() * 4)),
      images,
      split: 'train',
    });
  }
  const data = new Uint8Array(slots.size * per);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rng.next() * 256);
  return { examples: prepareExamples(config, records, DEFAULT_TARGET_TEMPLATE), cache: { size, data, slots } };
}
