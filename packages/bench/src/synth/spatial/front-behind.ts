import { pairRelation } from '../kinds.js';
import { r3, reject } from '../question.js';
import { depthOrder } from '../relations.js';

/** In front of or behind another object along the camera's axis, by camera-space depth confirmed by the depth map. */
export const frontBehind = pairRelation({
  id: 'front-behind',
  description: 'is A in front of or behind B as seen from the camera (camera-space depth of the 3-D centres, confirmed by the depth map)',
  answers: ['front', 'behind'],
  phrasings: [
    { text: (a, b) => `Seen from the camera, is the ${a} in front of or behind the ${b}?`, options: () => ['in front of it', 'behind it'] },
    { text: (a, b) => `From where the camera stands, which is true of the ${a} and the ${b}?`, options: (a, b) => [`the ${a} is in front of the ${b}`, `the ${a} is behind the ${b}`] },
    { text: (a, b) => `Is the ${a} nearer the viewer than the ${b}, or farther back?`, options: () => ['in front (nearer)', 'behind (farther back)'] },
  ],
  judge(_ctx, a, b) {
    const order = depthOrder(a, b);
    if (order.value === null) return reject('within-margin', `front-behind: the ${a.name} and the ${b.name} differ by ${Math.abs(order.margin).toFixed(2)} m in depth`);
    return {
      answer: order.value === 'nearer' ? 0 : 1,
      facts: { depthA: r3(a.projected.depth), depthB: r3(b.projected.depth), medianDepthA: r3(a.depth), medianDepthB: r3(b.depth) },
    };
  },
});
