import { pairRelation } from '../kinds.js';
import { r3, reject } from '../question.js';
import { sizeOrder } from '../relations.js';

/** Larger or smaller than another object in 3-D (volume), whatever their apparent sizes in the image. */
export const largerSmaller = pairRelation({
  id: 'larger-smaller',
  description: 'is A larger or smaller than B in 3-D (volume ratio ≥ 2, the larger also not shorter in its largest extent)',
  answers: ['larger', 'smaller'],
  phrasings: [
    { text: (a, b) => `In real 3-D size, is the ${a} larger or smaller than the ${b}?`, options: () => ['larger', 'smaller'] },
    { text: () => 'Which object is bigger in the real world?', options: (a, b) => [`the ${a}`, `the ${b}`] },
    { text: (a, b) => `Ignoring how big they look in the picture, is the ${a} larger or smaller than the ${b}?`, options: () => ['larger', 'smaller'] },
  ],
  judge(_ctx, a, b) {
    const order = sizeOrder(a, b);
    if (order.value === null) return reject('within-margin', `larger-smaller: the ${a.name} and the ${b.name} have a volume ratio of ${order.margin.toFixed(2)}`);
    // Whether the image agrees: the larger object also covers more pixels.
    const imageAgrees = order.value === 'larger' ? a.pixels > b.pixels : a.pixels < b.pixels;
    return { answer: order.value === 'larger' ? 0 : 1, facts: { volumeRatio: r3(order.margin), pixelRatio: r3(a.pixels / b.pixels), imageAgrees } };
  },
});
