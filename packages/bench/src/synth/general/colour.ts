import { r3, shuffle, type Candidate, type SynthCategory } from '../question.js';
import { COLOUR_NAMES } from '../vocabulary.js';
import { nameWithout } from './naming.js';

const PHRASINGS: readonly ((x: string) => string)[] = [
  (x) => `What colour is the ${x}?`,
  (x) => `Which colour does the ${x} have?`,
  (x) => `The ${x} in the image is what colour?`,
];

/** The colour of an object named by its shape (and pattern when the shape alone is not unique). */
export const colour: SynthCategory = {
  id: 'colour',
  description: 'the colour of an object named by its shape, or its pattern and shape (4 options)',
  answers: [...COLOUR_NAMES],
  candidates(ctx, rng) {
    const out: Candidate[] = [];
    const objects = ctx.scene.objects;
    for (const v of shuffle(ctx.views, rng)) {
      const named = nameWithout(ctx, v, [(i) => objects[i]!.shape, (i) => `${objects[i]!.pattern} ${objects[i]!.shape}`]);
      if ('code' in named) {
        out.push(named);
        continue;
      }
      const gold = objects[v.index]!.colour;
      const options = [gold, ...shuffle(COLOUR_NAMES.filter((c) => c !== gold), rng).slice(0, 3)];
      out.push({ phrasings: PHRASINGS.map((p) => ({ text: p(named.phrase), options })), answer: 0, answerKey: gold, objects: [v.index], facts: { pixels: v.pixels, visibleFraction: r3(v.pixels / v.silhouette) } });
    }
    return out;
  },
};
