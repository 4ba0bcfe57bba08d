import { rotate90 } from '@spatial-ssrl/image';
import { z } from 'zod';
import { defineTask, type TaskInput } from '../task.js';
import { inputOf, texturedRgb } from '../tasks/__fixtures__/inputs.js';
import { describeTask } from './index.js';

// A small task defined outside the registry: how many quarter turns was the picture rotated by?
const quarterTurns = defineTask({
  id: 'quarter-turns',
  description: 'Counts the clockwise quarter turns applied to a picture.',
  needs: 'rgb',
  params: z.strictObject({ turns: z.array(z.number().int().min(0).max(3)).min(1).default([0, 1, 2, 3]) }),
  variants: () => ['square'],
  imageCount: () => 1,
  answerSpace: (params) => params.turns.map(String),
  generate(input, params, rng) {
    const side = Math.min(input.rgb.width, input.rgb.height);
    if (side < 8) return { rejected: true, code: 'image-too-small', reason: `${side} px is below 8` };
    const turns = rng.pick(params.turns);
    let image = input.rgb;
    for (let k = 0; k < turns; k++) image = rotate90(image, 'cw');
    if (turns === 0) image = { ...image, data: image.data.slice() };
    return { variant: 'square', prompt: '<image>How many quarter turns?', answer: String(turns), images: [{ name: 'turned', image }], meta: { turns } };
  },
});

const pictures: TaskInput[] = Array.from({ length: 6 }, (_, i) => inputOf(texturedRgb(24 + i, 24 + i, i)));

describeTask(quarterTurns, { source: (i) => pictures[i % pictures.length], samples: 120, params: { turns: [1, 2, 3] } });
