// A task plugin written for the task API tests: which half of the image is brighter.
import { z } from 'zod';

const params = z.object({ margin: z.number().min(0).max(50).default(2) }).strict();

function mean(rgb, y0, y1) {
  let sum = 0;
  for (let y = y0; y < y1; y++) for (let i = y * rgb.width * 3; i < (y + 1) * rgb.width * 3; i++) sum += rgb.data[i];
  return sum / Math.max(1, (y1 - y0) * rgb.width * 3);
}

export const tasks = [
  {
    id: 'halves',
    description: 'Which half of the image is brighter, top or bottom.',
    needs: 'rgb',
    params,
    variants: () => ['halves'],
    imageCount: () => 1,
    answerSpace: () => ['top', 'bottom'],
    generate(input, p) {
      const half = Math.floor(input.rgb.height / 2);
      const top = mean(input.rgb, 0, half);
      const bottom = mean(input.rgb, half, input.rgb.height);
      if (Math.abs(top - bottom) < p.margin) return { rejected: true, code: 'too-even', reason: `the halves differ by ${Math.abs(top - bottom).toFixed(1)} < margin ${p.margin}` };
      return { variant: 'halves', prompt: '<image>Which half of the image is brighter, top or bottom?', answer: top > bottom ? 'top' : 'bottom', images: [{ name: 'image', image: input.rgb }], meta: { top, bottom } };
    },
  },
];
