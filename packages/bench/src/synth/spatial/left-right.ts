import { pairs, r3, reject, unnameable, type Candidate, type SynthCategory } from '../question.js';
import { sideOf } from '../relations.js';

const PHRASINGS: readonly { text: (a: string, b: string) => string; options: readonly [string, string] }[] = [
  { text: (a, b) => `In the image, is the ${a} to the left or to the right of the ${b}?`, options: ['left', 'right'] },
  { text: (a, b) => `From the camera's viewpoint, on which side of the ${b} is the ${a}?`, options: ['left', 'right'] },
  { text: (a, b) => `Looking at the picture, where is the ${a} compared with the ${b}?`, options: ['to the left', 'to the right'] },
];

/** Left or right of another object in the image, by projected centres confirmed by the segment map. */
export const leftRight: SynthCategory = {
  id: 'left-right',
  description: 'is A to the left or right of B in the image (projected 3-D centres, confirmed by the visible pixels)',
  answers: ['left', 'right'],
  candidates(ctx, rng) {
    const out: Candidate[] = [];
    for (const [a, b] of pairs(ctx, rng, 6)) {
      const bad = unnameable(a) ?? unnameable(b);
      if (bad) {
        out.push(bad);
        continue;
      }
      const side = sideOf(ctx, a, b);
      if (side.value === null) {
        out.push(reject('within-margin', `left-right: the ${a.name} and the ${b.name} are ${(Math.abs(side.margin) * 100).toFixed(1)} % of the width apart`));
        continue;
      }
      out.push({
        phrasings: PHRASINGS.map((p) => ({ text: p.text(a.name, b.name), options: p.options })),
        answer: side.value === 'left' ? 0 : 1,
        answerKey: side.value,
        objects: [a.index, b.index],
        facts: { gapWidths: r3(side.margin), imageXA: r3(a.imageX), imageXB: r3(b.imageX) },
      });
    }
    return out;
  },
};
