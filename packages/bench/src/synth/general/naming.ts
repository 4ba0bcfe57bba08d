import type { ObjectView, SceneContext } from '../observe.js';
import { describeIssue, reject, type SynthRejection } from '../question.js';

/**
 * A phrase that names `v` without the attribute being asked about, unique in the scene: `by`
 * lists the attributes to try in order, each a function giving the phrase and a key that other
 * objects must not share. Rejects when `v` is not clearly visible or no phrase is unique.
 */
export function nameWithout(
  ctx: SceneContext,
  v: ObjectView,
  by: readonly ((i: number) => string)[],
): { phrase: string } | SynthRejection {
  if (v.issue !== null) return reject(v.issue, `the ${v.name} is ${describeIssue(v)}`);
  for (const phrase of by) {
    const mine = phrase(v.index);
    if (ctx.views.every((w) => w.index === v.index || phrase(w.index) !== mine)) return { phrase: mine };
  }
  return reject('ambiguous-name', `no description without the asked attribute singles out the ${v.name}`);
}
