import { pairRelation } from '../kinds.js';
import { r3, reject } from '../question.js';

/** Above or below another object in 3-D: one rests on the other; confirmed by their visible pixels in the image. */
export const aboveBelow = pairRelation({
  id: 'above-below',
  description: 'is A above or below B in 3-D (one rests on the other; the upper one is also higher in the image)',
  answers: ['above', 'below'],
  phrasings: [
    { text: (a, b) => `Is the ${a} above or below the ${b}?`, options: () => ['above', 'below'] },
    { text: (a, b) => `Is the ${a} on top of the ${b} or underneath it?`, options: () => ['on top of it', 'underneath it'] },
    { text: (a, b) => `Where is the ${a} relative to the ${b}, vertically?`, options: () => ['above it', 'below it'] },
  ],
  // Each object resting on another, asked both ways round.
  pairs: (ctx, rng) =>
    rng.shuffle(ctx.scene.objects.flatMap((o, i) => (o.restsOn >= 0 ? [[ctx.views[i]!, ctx.views[o.restsOn]!] as const] : []))).flatMap(([top, bottom]) => [[top, bottom] as const, [bottom, top] as const]),
  judge(ctx, a, b) {
    const onTop = ctx.scene.objects[a.index]!.restsOn === b.index;
    const [top, bottom] = onTop ? [a, b] : [b, a];
    if (!(top.imageY < bottom.imageY)) return reject('within-margin', `above-below: the ${top.name} does not show higher in the image than the ${bottom.name}`);
    return { answer: onTop ? 0 : 1, facts: { baseHeightTop: r3(ctx.scene.meta.objects[top.index]!.position[1]), imageYTop: r3(top.imageY), imageYBottom: r3(bottom.imageY) } };
  },
});
