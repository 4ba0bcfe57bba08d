import { r3, reject, shuffle, unnameable, type Candidate, type SynthCategory } from '../question.js';

const PHRASINGS: readonly { text: (a: string, b: string) => string; options: readonly [string, string] }[] = [
  { text: (a, b) => `Is the ${a} above or below the ${b}?`, options: ['above', 'below'] },
  { text: (a, b) => `Is the ${a} on top of the ${b} or underneath it?`, options: ['on top of it', 'underneath it'] },
  { text: (a, b) => `Where is the ${a} relative to the ${b}, vertically?`, options: ['above it', 'below it'] },
];

/** Above or below another object in 3-D: one rests on the other; confirmed by their visible pixels in the image. */
export const aboveBelow: SynthCategory = {
  id: 'above-below',
  description: 'is A above or below B in 3-D (one rests on the other; the upper one is also higher in the image)',
  answers: ['above', 'below'],
  candidates(ctx, rng) {
    const out: Candidate[] = [];
    const stacks = ctx.scene.objects.flatMap((o, i) => (o.restsOn >= 0 ? [[ctx.views[i]!, ctx.views[o.restsOn]!] as const] : []));
    for (const [top, bottom] of shuffle(stacks, rng)) {
      const bad = unnameable(top) ?? unnameable(bottom);
      if (bad) {
        out.push(bad);
        continue;
      }
      if (!(top.imageY < bottom.imageY)) {
        out.push(reject('within-margin', `above-below: the ${top.name} does not show higher in the image than the ${bottom.name}`));
        continue;
      }
      // Both ways round: the upper object asked about (above), then the lower one (below).
      for (const [a, b] of [
        [top, bottom],
        [bottom, top],
      ] as const) {
        const above = a === top;
        out.push({
          phrasings: PHRASINGS.map((p) => ({ text: p.text(a.name, b.name), options: p.options })),
          answer: above ? 0 : 1,
          answerKey: above ? 'above' : 'below',
          objects: [a.index, b.index],
          facts: { baseHeightTop: r3(ctx.scene.meta.objects[top.index]!.position[1]), imageYTop: r3(top.imageY), imageYBottom: r3(bottom.imageY) },
        });
      }
    }
    return out;
  },
};
