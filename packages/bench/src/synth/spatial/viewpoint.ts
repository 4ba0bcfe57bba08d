import { r3, reject, unnameable, type Candidate, type SynthCategory } from '../question.js';
import { MARGINS, bearingFrom, facingAwayDeg } from '../relations.js';

const DIRECTIONS = ['front', 'behind', 'left', 'right'] as const;

const PHRASINGS: readonly { text: (a: string, b: string) => string; options: readonly [string, string, string, string] }[] = [
  { text: (a, b) => `Imagine you are the ${a}, looking where its eyes look. Where is the ${b}?`, options: ['in front of you', 'behind you', 'to your left', 'to your right'] },
  { text: (a, b) => `From the ${a}'s point of view (it faces where its eyes look), where is the ${b}?`, options: ['in front of it', 'behind it', 'on its left', 'on its right'] },
  { text: (a, b) => `If you stood at the ${a} and faced the same way as its eyes, in which direction would the ${b} be?`, options: ['ahead', 'behind', 'left', 'right'] },
];

/**
 * The direction of one object as seen from another object's position and facing (shown by its
 * eyes), as in ViewSpatial-Bench's object-perspective questions.
 */
export const viewpoint: SynthCategory = {
  id: 'viewpoint',
  description: "where B is from A's position and facing, A's eyes showing its facing (front/behind/left/right; 15° kept from the diagonals)",
  answers: [...DIRECTIONS],
  candidates(ctx, rng) {
    const out: Candidate[] = [];
    for (const a of ctx.views.filter((v) => v.facing !== null)) {
      for (const b of rng.shuffle(ctx.views).slice(0, 4)) {
        if (b.index === a.index) continue;
        const bad = unnameable(a) ?? unnameable(b);
        if (bad) {
          out.push(bad);
          continue;
        }
        const away = facingAwayDeg(ctx, a);
        if (away > MARGINS.facingDeg) {
          out.push(reject('facing-hidden', `viewpoint: the ${a.name} faces ${away.toFixed(0)}° away from the camera, its eyes hard to see`));
          continue;
        }
        const { bearing, value } = bearingFrom(a, b);
        if (value === null) {
          out.push(reject('within-margin', `viewpoint: the ${b.name} is ${bearing.toFixed(0)}° from the ${a.name}'s facing, near a diagonal`));
          continue;
        }
        out.push({
          phrasings: PHRASINGS.map((p) => ({ text: p.text(a.name, b.name), options: p.options })),
          answer: DIRECTIONS.indexOf(value),
          answerKey: value,
          objects: [a.index, b.index],
          facts: { bearingDeg: r3(bearing), facingAwayDeg: r3(away) },
        });
      }
    }
    return out;
  },
};
