import { pairs, r3, reject, unnameable, type Candidate, type SynthCategory } from '../question.js';
import { sizeOrder } from '../relations.js';

// Option 0 is the answer when A is the larger one.
const PHRASINGS: readonly { text: (a: string, b: string) => string; options: (a: string, b: string) => [string, string] }[] = [
  { text: (a, b) => `In real 3-D size, is the ${a} larger or smaller than the ${b}?`, options: () => ['larger', 'smaller'] },
  { text: () => 'Which object is bigger in the real world?', options: (a, b) => [`the ${a}`, `the ${b}`] },
  { text: (a, b) => `Ignoring how big they look in the picture, is the ${a} larger or smaller than the ${b}?`, options: () => ['larger', 'smaller'] },
];

/** Larger or smaller than another object in 3-D (volume), whatever their apparent sizes in the image. */
export const largerSmaller: SynthCategory = {
  id: 'larger-smaller',
  description: 'is A larger or smaller than B in 3-D (volume ratio ≥ 2, the larger also not shorter in its largest extent)',
  answers: ['larger', 'smaller'],
  candidates(ctx, rng) {
    const out: Candidate[] = [];
    for (const [a, b] of pairs(ctx, rng, 6)) {
      const bad = unnameable(a) ?? unnameable(b);
      if (bad) {
        out.push(bad);
        continue;
      }
      const order = sizeOrder(a, b);
      if (order.value === null) {
        out.push(reject('within-margin', `larger-smaller: the ${a.name} and the ${b.name} have a volume ratio of ${order.margin.toFixed(2)}`));
        continue;
      }
      out.push({
        phrasings: PHRASINGS.map((p) => ({ text: p.text(a.name, b.name), options: p.options(a.name, b.name) })),
        answer: order.value === 'larger' ? 0 : 1,
        answerKey: order.value,
        objects: [a.index, b.index],
        // Whether the image agrees: the larger object also covers more pixels.
        facts: { volumeRatio: r3(order.margin), pixelRatio: r3(a.pixels / b.pixels), imageAgrees: order.value === 'larger' ? a.pixels > b.pixels : a.pixels < b.pixels },
      });
    }
    return out;
  },
};
