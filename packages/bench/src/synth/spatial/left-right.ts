import { pairRelation } from '../kinds.js';
import { r3, reject } from '../question.js';
import { sideOf } from '../relations.js';

/** Left or right of another object in the image, by projected centres confirmed by the segment map. */
export const leftRight = pairRelation({
  id: 'left-right',
  description: 'is A to the left or right of B in the image (projected 3-D centres, confirmed by the visible pixels)',
  answers: ['left', 'right'],
  phrasings: [
    { text: (a, b) => `In the image, is the ${a} to the left or to the right of the ${b}?`, options: () => ['left', 'right'] },
    { text: (a, b) => `From the camera's viewpoint, on which side of the ${b} is the ${a}?`, options: () => ['left', 'right'] },
    { text: (a, b) => `Looking at the picture, where is the ${a} compared with the ${b}?`, options: () => ['to the left', 'to the right'] },
  ],
  judge(ctx, a, b) {
    const side = sideOf(ctx, a, b);
    if (side.value === null) return reject('within-margin', `left-right: the ${a.name} and the ${b.name} are ${(Math.abs(side.margin) * 100).toFixed(1)} % of the width apart`);
    return { answer: side.value === 'left' ? 0 : 1, facts: { gapWidths: r3(side.margin), imageXA: r3(a.imageX), imageXB: r3(b.imageX) } };
  },
});
