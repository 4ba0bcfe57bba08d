import { describeIssue, reject, type Candidate, type SynthCategory } from '../question.js';
import { COLOUR_NAMES, SHAPE_NAMES } from '../vocabulary.js';

const PHRASINGS: readonly ((x: string) => string)[] = [
  (x) => `Is there a ${x} in the image?`,
  (x) => `Does the scene contain a ${x}?`,
  (x) => `Can you see a ${x}?`,
];

/**
 * Whether a colour-and-shape combination is in the scene: present ones clearly visible; absent
 * ones share their colour or their shape with an object that is there.
 */
export const presence: SynthCategory = {
  id: 'presence',
  description: 'is there a <colour> <shape> (yes: clearly visible; no: absent, but its colour or shape is present)',
  answers: ['yes', 'no'],
  candidates(ctx, rng) {
    const out: Candidate[] = [];
    const objects = ctx.scene.objects;
    const present = new Set(objects.map((o) => `${o.colour} ${o.shape}`));
    for (const v of rng.shuffle(ctx.views).slice(0, 2)) {
      // Another object of the same name does not make "is there one" ambiguous.
      if (v.issue !== null) out.push(reject(v.issue, `presence: the ${v.name} is ${describeIssue(v)}`));
      else out.push({ phrasings: PHRASINGS.map((p) => ({ text: p(v.name), options: ['yes', 'no'] })), answer: 0, answerKey: 'yes', objects: [v.index], facts: { pixels: v.pixels } });
    }
    const absent = rng.shuffle([
        ...objects.flatMap((o) => COLOUR_NAMES.map((c) => `${c} ${o.shape}`)),
        ...objects.flatMap((o) => SHAPE_NAMES.map((s) => `${o.colour} ${s}`)),
      ].filter((name, i, all) => !present.has(name) && all.indexOf(name) === i)).slice(0, 2);
    for (const name of absent) {
      out.push({ phrasings: PHRASINGS.map((p) => ({ text: p(name), options: ['yes', 'no'] })), answer: 1, answerKey: 'no', objects: [], facts: { absent: name } });
    }
    if (absent.length === 0) out.push(reject('out-of-range', 'presence: no absent colour-and-shape combination shares a colour or shape with the scene'));
    return out;
  },
};
