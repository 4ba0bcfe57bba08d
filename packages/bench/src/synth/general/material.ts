import { r3, shuffle, type Candidate, type SynthCategory } from '../question.js';
import { PATTERN_NAMES } from '../vocabulary.js';
import { nameWithout } from './naming.js';

const PHRASINGS: readonly ((x: string) => string)[] = [
  (x) => `What pattern is on the surface of the ${x}?`,
  (x) => `Which surface pattern does the ${x} have?`,
  (x) => `How is the ${x} patterned?`,
];

/** The surface pattern (the renderer's material) of an object named by its colour and shape. */
export const material: SynthCategory = {
  id: 'material',
  description: 'the surface pattern (striped, dotted, checkered, plain) of an object named by colour and shape',
  answers: [...PATTERN_NAMES],
  candidates(ctx, rng) {
    const out: Candidate[] = [];
    const objects = ctx.scene.objects;
    for (const v of shuffle(ctx.views, rng)) {
      const named = nameWithout(ctx, v, [(i) => `${objects[i]!.colour} ${objects[i]!.shape}`]);
      if ('code' in named) {
        out.push(named);
        continue;
      }
      const gold = objects[v.index]!.pattern;
      const options = [gold, ...PATTERN_NAMES.filter((p) => p !== gold)];
      out.push({ phrasings: PHRASINGS.map((p) => ({ text: p(named.phrase), options })), answer: 0, answerKey: gold, objects: [v.index], facts: { pixels: v.pixels, visibleFraction: r3(v.pixels / v.silhouette) } });
    }
    return out;
  },
};
