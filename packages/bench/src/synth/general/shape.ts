import { r3, shuffle, type Candidate, type SynthCategory } from '../question.js';
import { SHAPE_NAMES } from '../vocabulary.js';
import { nameWithout } from './naming.js';

const PHRASINGS: readonly ((x: string) => string)[] = [
  (x) => `What shape is the ${x}?`,
  (x) => `Which shape does the ${x} have?`,
  (x) => `What is the shape of the ${x}?`,
];

/** The shape of an object named by its colour (and pattern when the colour alone is not unique). */
export const shape: SynthCategory = {
  id: 'shape',
  description: 'the shape of an object named by its colour, or its pattern and colour (4 options)',
  answers: [...SHAPE_NAMES],
  candidates(ctx, rng) {
    const out: Candidate[] = [];
    const objects = ctx.scene.objects;
    for (const v of shuffle(ctx.views, rng)) {
      const named = nameWithout(ctx, v, [(i) => `${objects[i]!.colour} object`, (i) => `${objects[i]!.pattern} ${objects[i]!.colour} object`]);
      if ('code' in named) {
        out.push(named);
        continue;
      }
      const gold = objects[v.index]!.shape;
      const options = [gold, ...shuffle(SHAPE_NAMES.filter((s) => s !== gold), rng).slice(0, 3)];
      out.push({ phrasings: PHRASINGS.map((p) => ({ text: p(named.phrase), options })), answer: 0, answerKey: gold, objects: [v.index], facts: { pixels: v.pixels, visibleFraction: r3(v.pixels / v.silhouette) } });
    }
    return out;
  },
};
