import { firstUnnameable, r3, reject, unnameable, type Candidate, type SynthCategory } from '../question.js';
import { MARGINS, between } from '../relations.js';

const OPTIONS = 3;

const PHRASINGS: readonly ((a: string) => string)[] = [
  (a) => `Which object is closest to the ${a} in 3-D space?`,
  (a) => `In the scene, which object stands nearest to the ${a}?`,
  (a) => `Measured in the 3-D scene, what is the nearest object to the ${a}?`,
];

/** Which object is nearest to a named one in 3-D (centre distances), among 3 options. */
export const nearest: SynthCategory = {
  id: 'nearest',
  description: 'which object is nearest to A in 3-D (distance between 3-D centres; the runner-up, named or not, at least 4/3 as far)',
  candidates(ctx, rng) {
    const out: Candidate[] = [];
    if (ctx.views.length < OPTIONS + 1) return out;
    for (const a of rng.shuffle(ctx.views).slice(0, 4)) {
      const bad = unnameable(a);
      if (bad) {
        out.push(bad);
        continue;
      }
      const byDistance = ctx.views.filter((v) => v.index !== a.index).sort((x, y) => between(a, x) - between(a, y));
      const [first, second] = [byDistance[0]!, byDistance[1]!];
      const d1 = between(a, first);
      const d2 = between(a, second);
      if (d1 > MARGINS.nearestRatio * d2) {
        out.push(reject('within-margin', `nearest: the two objects nearest to the ${a.name} are ${d1.toFixed(2)} m and ${d2.toFixed(2)} m away`));
        continue;
      }
      const distractors = rng.shuffle(byDistance.slice(1)).slice(0, OPTIONS - 1);
      const options = [first, ...distractors];
      const notNamed = firstUnnameable(options);
      if (notNamed) {
        out.push(notNamed);
        continue;
      }
      const names = options.map((v) => `the ${v.name}`);
      out.push({
        phrasings: PHRASINGS.map((p) => ({ text: p(a.name), options: names })),
        answer: 0,
        answerKey: 'nearest',
        objects: [a.index, ...options.map((v) => v.index)],
        facts: { distances: Object.fromEntries(options.map((v) => [v.name, r3(between(a, v))])), runnerUpRatio: r3(d1 / d2) },
      });
    }
    return out;
  },
};
