import type { ObjectView, SceneContext } from '../observe.js';
import { describeIssue, reject, unnameable, type Candidate, type SynthCategory } from '../question.js';
import { distanceOrder, sideOf, sizeOrder } from '../relations.js';

type Relation = 'left' | 'right' | 'closer' | 'farther' | 'larger' | 'smaller';
const RELATIONS: readonly Relation[] = ['left', 'right', 'closer', 'farther', 'larger', 'smaller'];

const PHRASE: Readonly<Record<Relation, (a: string) => string>> = {
  left: (a) => `to the left of the ${a} in the image`,
  right: (a) => `to the right of the ${a} in the image`,
  closer: (a) => `closer to the camera than the ${a}`,
  farther: (a) => `farther from the camera than the ${a}`,
  larger: (a) => `larger than the ${a} in real size`,
  smaller: (a) => `smaller than the ${a} in real size`,
};

const PHRASINGS: readonly ((relation: string) => string)[] = [
  (rel) => `How many objects are ${rel}?`,
  (rel) => `Count the objects that are ${rel}. How many are there?`,
  (rel) => `What is the number of objects ${rel}?`,
];

/** Whether `v` stands in `relation` to `a`, or null when within that relation's margin. */
function holds(ctx: SceneContext, relation: Relation, v: ObjectView, a: ObjectView): boolean | null {
  switch (relation) {
    case 'left':
    case 'right': {
      const side = sideOf(ctx, v, a).value;
      return side === null ? null : side === relation;
    }
    case 'closer':
    case 'farther': {
      const order = distanceOrder(v, a).value;
      return order === null ? null : (order === 'nearer') === (relation === 'closer');
    }
    default: {
      const order = sizeOrder(v, a).value;
      return order === null ? null : order === relation;
    }
  }
}

/** How many objects stand in a relation to a named one (left/right in the image, closer/farther, larger/smaller); 0-3. */
export const countRelation: SynthCategory = {
  id: 'count-relation',
  description: 'how many objects are left/right of A in the image, closer/farther than A, or larger/smaller than A (every object clearly visible and outside the margin; 0-3)',
  answers: ['0', '1', '2', '3'],
  candidates(ctx, rng) {
    const out: Candidate[] = [];
    const hidden = ctx.views.find((v) => v.issue !== null);
    if (hidden) return [reject(hidden.issue!, `count-relation: the ${hidden.name} is ${describeIssue(hidden)}, so it may be miscounted`)];
    // Several (object, relation) pairs; one question per distinct count, so that rare counts get their chance.
    const tried = rng.shuffle(ctx.views.flatMap((a) => RELATIONS.map((relation) => [a, relation] as const))).slice(0, 12);
    const byCount = new Map<number, Candidate>();
    for (const [a, relation] of tried) {
      const bad = unnameable(a);
      if (bad) {
        out.push(bad);
        continue;
      }
      let count = 0;
      let unclear: ObjectView | undefined;
      for (const v of ctx.views) {
        if (v.index === a.index) continue;
        const h = holds(ctx, relation, v, a);
        if (h === null) unclear = v;
        else if (h) count++;
      }
      if (unclear) {
        out.push(reject('within-margin', `count-relation: whether the ${unclear.name} is ${PHRASE[relation](a.name)} is too close to call`));
        continue;
      }
      if (count > 3) {
        out.push(reject('out-of-range', `count-relation: ${count} objects are ${PHRASE[relation](a.name)}, more than the options offer`));
        continue;
      }
      if (byCount.has(count)) continue;
      byCount.set(count, {
        phrasings: PHRASINGS.map((p) => ({ text: p(PHRASE[relation](a.name)), options: ['0', '1', '2', '3'] })),
        answer: count,
        answerKey: String(count),
        fixedOrder: true,
        objects: [a.index],
        facts: { relation, objects: ctx.views.length },
      });
    }
    return [...out, ...byCount.values()];
  },
};
