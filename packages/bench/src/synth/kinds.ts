import type { Rng } from '@spatial-ssrl/spec';
import type { SynthObject } from './compose.js';
import type { ObjectView, SceneContext } from './observe.js';
import { describeIssue, pairs as randomPairs, r3, reject, unnameable, type Candidate, type Fact, type SynthCategory, type SynthRejection } from './question.js';

/** One wording of a two-way relation between objects A and B. */
interface PairPhrasing {
  readonly text: (a: string, b: string) => string;
  /** The two options, in the order of the relation's `answers`. */
  readonly options: (a: string, b: string) => readonly [string, string];
}

/** A two-way relation between two named objects (left/right, in front/behind, …). */
export interface PairRelationSpec {
  readonly id: string;
  readonly description: string;
  /** The two answer keys; option 0 of every phrasing means the first. */
  readonly answers: readonly [string, string];
  readonly phrasings: readonly PairPhrasing[];
  /** Ordered pairs to ask about (default: up to 6 random ordered pairs). */
  readonly pairs?: (ctx: SceneContext, rng: Rng) => readonly (readonly [ObjectView, ObjectView])[];
  /** Which answer holds for (A, B) with the facts behind it, or why the pair cannot be asked. */
  readonly judge: (ctx: SceneContext, a: ObjectView, b: ObjectView) => { readonly answer: 0 | 1; readonly facts: Readonly<Record<string, Fact>> } | SynthRejection;
}

/** A category asking a two-way relation about pairs of clearly visible, uniquely named objects. */
export function pairRelation(spec: PairRelationSpec): SynthCategory {
  return {
    id: spec.id,
    description: spec.description,
    answers: spec.answers,
    candidates(ctx, rng) {
      const out: Candidate[] = [];
      for (const [a, b] of spec.pairs ? spec.pairs(ctx, rng) : randomPairs(ctx, rng, 6)) {
        const bad = unnameable(a) ?? unnameable(b);
        const verdict = bad ?? spec.judge(ctx, a, b);
        if ('code' in verdict) {
          out.push(verdict);
          continue;
        }
        out.push({
          phrasings: spec.phrasings.map((p) => ({ text: p.text(a.name, b.name), options: p.options(a.name, b.name) })),
          answer: verdict.answer,
          answerKey: spec.answers[verdict.answer],
          objects: [a.index, b.index],
          facts: verdict.facts,
        });
      }
      return out;
    },
  };
}

/** A question about one attribute of one object, named without that attribute. */
export interface AttributeSpec {
  readonly id: string;
  readonly description: string;
  /** Every value of the attribute, balanced as answers. */
  readonly answers: readonly string[];
  readonly phrasings: readonly ((name: string) => string)[];
  /** Ways to name an object without the attribute, tried in order until one is unique in the scene. */
  readonly names: readonly ((o: SynthObject) => string)[];
  readonly attribute: (o: SynthObject) => string;
  /** How many options to offer (the answer and random other values). */
  readonly options: number;
}

/** A category asking the colour, shape or pattern of a clearly visible object. */
export function attributeQuestion(spec: AttributeSpec): SynthCategory {
  return {
    id: spec.id,
    description: spec.description,
    answers: spec.answers,
    candidates(ctx, rng) {
      const out: Candidate[] = [];
      const objects = ctx.scene.objects;
      for (const v of rng.shuffle(ctx.views)) {
        const named = nameWithout(
          ctx,
          v,
          spec.names.map((name) => (i: number) => name(objects[i]!)),
        );
        if ('code' in named) {
          out.push(named);
          continue;
        }
        const gold = spec.attribute(objects[v.index]!);
        const options = [gold, ...rng.shuffle(spec.answers.filter((x) => x !== gold)).slice(0, spec.options - 1)];
        out.push({
          phrasings: spec.phrasings.map((p) => ({ text: p(named.phrase), options })),
          answer: 0,
          answerKey: gold,
          objects: [v.index],
          facts: { pixels: v.pixels, visibleFraction: r3(v.pixels / v.silhouette) },
        });
      }
      return out;
    },
  };
}

/**
 * A phrase that names `v` without the attribute being asked about, unique in the scene: `by`
 * lists the attributes to try in order, each a function giving the phrase and a key that other
 * objects must not share. Rejects when `v` is not clearly visible or no phrase is unique.
 */
function nameWithout(
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
