import { firstUnnameable, r3, reject, type Candidate, type SynthCategory } from '../question.js';
import { distanceOrder } from '../relations.js';

const OPTIONS = 3;

const PHRASINGS: readonly ((closest: boolean) => string)[] = [
  (closest) => `Which object is ${closest ? 'closest to' : 'farthest from'} the camera?`,
  (closest) => `Of these objects, which one is ${closest ? 'nearest to' : 'farthest from'} the viewer?`,
  (closest) => `Which of the following lies ${closest ? 'closest to' : 'farthest from'} the camera in 3-D?`,
];

/** Which of 3 named objects is closest to or farthest from the camera, by 3-D distance confirmed by the depth map. */
export const closerFarther: SynthCategory = {
  id: 'closer-farther',
  description: 'which of 3 objects is closest to / farthest from the camera (Euclidean distance of the 3-D centres, confirmed by the depth map)',
  answers: ['closest', 'farthest'],
  candidates(ctx, rng) {
    const out: Candidate[] = [];
    if (ctx.views.length < OPTIONS) return out;
    for (let attempt = 0; attempt < 4; attempt++) {
      const chosen = rng.shuffle(ctx.views).slice(0, OPTIONS);
      const bad = firstUnnameable(chosen);
      if (bad) {
        out.push(bad);
        continue;
      }
      const closest = rng.chance(0.5);
      const sorted = [...chosen].sort((x, y) => (closest ? x.distance - y.distance : y.distance - x.distance));
      const [best, next] = [sorted[0]!, sorted[1]!];
      const order = distanceOrder(best, next);
      if (order.value !== (closest ? 'nearer' : 'farther')) {
        out.push(reject('within-margin', `closer-farther: the ${best.name} and the ${next.name} are ${best.distance.toFixed(2)} m and ${next.distance.toFixed(2)} m from the camera`));
        continue;
      }
      const options = chosen.map((v) => `the ${v.name}`);
      out.push({
        phrasings: PHRASINGS.map((p) => ({ text: p(closest), options })),
        answer: chosen.indexOf(best),
        answerKey: closest ? 'closest' : 'farthest',
        objects: chosen.map((v) => v.index),
        facts: { distances: Object.fromEntries(chosen.map((v) => [v.name, r3(v.distance)])), medianDepths: Object.fromEntries(chosen.map((v) => [v.name, r3(v.depth)])) },
      });
    }
    return out;
  },
};
