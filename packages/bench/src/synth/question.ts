import type { Rng } from '@spatial-ssrl/spec';
import type { ObjectView, SceneContext } from './observe.js';

/** JSON value kept with a question: the measured quantities that decided its answer (per object: keyed by name). */
export type Fact = number | string | boolean | Readonly<Record<string, number>>;

/** One wording of a question: the sentence and its option texts. */
interface Phrasing {
  readonly text: string;
  /** Option texts, in the same meaning order in every phrasing; letters are assigned at selection. */
  readonly options: readonly string[];
}

/** A question a scene answers unambiguously, before a phrasing is chosen and its options get letters. */
export interface SynthQuestion {
  /** Every wording of the question; which one is asked is balanced against the answer at selection. */
  readonly phrasings: readonly Phrasing[];
  /** Index of the correct option in each phrasing's `options`. */
  readonly answer: number;
  /** The answer's content, balanced within the category (`left`, `2`, `red`, …). */
  readonly answerKey: string;
  /** Keep the options in this order (numbers), instead of placing the answer under a balanced letter. */
  readonly fixedOrder?: boolean;
  /** Indices of the objects the question names. */
  readonly objects: readonly number[];
  /** Measured quantities behind the answer (margins, depths, angles), for checking and analysis. */
  readonly facts: Readonly<Record<string, Fact>>;
}

/** Why a candidate question was not asked. */
export type RejectionCode =
  | 'ambiguous-name'
  | 'within-margin'
  | 'occluded'
  | 'too-small'
  | 'clipped'
  | 'facing-hidden'
  | 'out-of-range';

/** A candidate question that was dropped, with the reason. */
export interface SynthRejection {
  readonly code: RejectionCode;
  readonly message: string;
}

/** A generated candidate: a question or a rejection. */
export type Candidate = SynthQuestion | SynthRejection;

/** True for a rejection. */
export function isRejection(c: Candidate): c is SynthRejection {
  return 'code' in c;
}

/** One question category: its id, what it asks, its balanced answers and its candidate generator. */
export interface SynthCategory {
  /** Category id, e.g. `left-right`; the `variant` of its samples. */
  readonly id: string;
  /** One line on what it asks and how the answer is decided. */
  readonly description: string;
  /** Answer keys balanced uniformly within the category; absent when only letters are balanced. */
  readonly answers?: readonly string[];
  /** Candidate questions about one scene, in random order (at most a dozen or so). */
  candidates(ctx: SceneContext, rng: Rng): Candidate[];
}

/** A rejection. */
export function reject(code: RejectionCode, message: string): SynthRejection {
  return { code, message };
}

/** Why an object cannot be named in a question (not unique, not clearly visible), or null. */
export function unnameable(v: ObjectView): SynthRejection | null {
  if (!v.unique) return reject('ambiguous-name', `two objects are called "${v.name}"`);
  if (v.issue !== null) return reject(v.issue, `the ${v.name} is ${describeIssue(v)}`);
  return null;
}

/** Why an object is not clearly visible, in words. */
export function describeIssue(v: ObjectView): string {
  switch (v.issue) {
    case 'clipped':
      return 'cut by the image border';
    case 'too-small':
      return `too small (${v.pixels} px)`;
    case 'occluded':
      return `mostly hidden (${v.pixels} of ${v.silhouette} px visible)`;
    default:
      return 'clearly visible';
  }
}

/** The first rejection among several objects' naming checks, or null when all can be named. */
export function firstUnnameable(views: readonly ObjectView[]): SynthRejection | null {
  for (const v of views) {
    const r = unnameable(v);
    if (r) return r;
  }
  return null;
}

/** Ordered pairs of distinct objects in random order, at most `limit`. */
export function pairs(ctx: SceneContext, rng: Rng, limit: number): [ObjectView, ObjectView][] {
  const all: [ObjectView, ObjectView][] = [];
  for (const a of ctx.views) for (const b of ctx.views) if (a.index !== b.index) all.push([a, b]);
  return rng.shuffle(all).slice(0, limit);
}

/** Rounds to 3 decimals, for facts. */
export function r3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
