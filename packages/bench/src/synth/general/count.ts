import { describeIssue, reject, type Candidate, type SynthCategory } from '../question.js';
import { plural, SHAPE_NAMES, type SynthColour, type SynthShape } from '../vocabulary.js';

type Kind = 'shape' | 'colour' | 'both';

function asks(kind: Kind, colour: SynthColour, shape: SynthShape): string[] {
  const what = kind === 'shape' ? plural(shape) : kind === 'colour' ? `${colour} objects` : `${colour} ${plural(shape)}`;
  return [`How many ${what} are there?`, `How many ${what} are in the image?`, `Count the ${what}. How many are there?`];
}

/** How many objects of a shape, a colour, or both are in the scene (0-3; every object clearly visible). */
export const count: SynthCategory = {
  id: 'count',
  description: 'how many <shape>s, <colour> objects or <colour> <shape>s there are (every object clearly visible; 0-3)',
  answers: ['0', '1', '2', '3'],
  candidates(ctx, rng) {
    const out: Candidate[] = [];
    const objects = ctx.scene.objects;
    // Every class the scene has (each shape, colour and colour-shape pair) and two it may lack.
    const classes: { kind: Kind; colour: SynthColour; shape: SynthShape }[] = [];
    const seen = new Set<string>();
    const add = (kind: Kind, colour: SynthColour, shape: SynthShape) => {
      const key = kind === 'shape' ? shape : kind === 'colour' ? colour : `${colour} ${shape}`;
      if (seen.has(`${kind}:${key}`)) return;
      seen.add(`${kind}:${key}`);
      classes.push({ kind, colour, shape });
    };
    for (const o of objects) {
      add('shape', o.colour, o.shape);
      add('colour', o.colour, o.shape);
      add('both', o.colour, o.shape);
    }
    add('shape', rng.pick(objects).colour, rng.pick(SHAPE_NAMES));
    add('both', rng.pick(objects).colour, rng.pick(SHAPE_NAMES));
    const byCount = new Map<number, Candidate>();
    for (const { kind, colour, shape } of rng.shuffle(classes).slice(0, 10)) {
      const member = (o: (typeof objects)[number]) => (kind !== 'colour' ? o.shape === shape : true) && (kind !== 'shape' ? o.colour === colour : true);
      const n = objects.filter(member).length;
      const hidden = ctx.views.find((v) => v.issue !== null && member(objects[v.index]!));
      if (hidden) {
        out.push(reject(hidden.issue!, `count: the ${hidden.name} is ${describeIssue(hidden)}, so it may be miscounted`));
        continue;
      }
      if (n > 3) {
        out.push(reject('out-of-range', `count: ${n} objects match, more than the options offer`));
        continue;
      }
      if (byCount.has(n)) continue;
      byCount.set(n, {
        phrasings: asks(kind, colour, shape).map((text) => ({ text, options: ['0', '1', '2', '3'] })),
        answer: n,
        answerKey: String(n),
        fixedOrder: true,
        objects: objects.flatMap((o, i) => (member(o) ? [i] : [])),
        facts: { kind, colour, shape },
      });
    }
    return [...out, ...byCount.values()];
  },
};
