import { createRng, deriveSeed, DatasetError } from '@spatial-ssrl/spec';
import type { InputNeeds } from '../task.js';

/** What the plan needs to know about a task: its id, what it takes as input (`rgb`/`rgbd` short forms allowed) and its weight (> 0). */
export interface PlanTask {
  readonly id: string;
  readonly needs: 'rgb' | 'rgbd' | InputNeeds;
  readonly weight: number;
}

/** What kind of input a source item is: one image, a clip or a view pair. */
type ItemKind = InputNeeds['kind'];

/** What the plan needs to know about a source item: its identity, kind (default `image`) and what it carries. */
export interface PlanItem {
  readonly dataset: string;
  readonly id: string;
  readonly hasDepth: boolean;
  readonly kind?: ItemKind;
  /** Whether a clip's frames carry their cameras (view pairs always do). */
  readonly hasCameras?: boolean;
}

/** One attempt of one sample: which task, which source item (index into the item list), which seed. */
interface PlannedAttempt {
  /** Index into the plan's task list. */
  readonly task: number;
  /** Index into the plan's item list. */
  readonly item: number;
  /** 32-bit seed for the task's RNG. */
  readonly seed: number;
}

/** The pure schedule of a run: a function of (run seed, index, task weights, source items) only. */
export interface DatasetPlan {
  readonly seed: number;
  readonly tasks: readonly PlanTask[];
  /** Number of compatible items per task, in task order. */
  readonly compatibleCounts: readonly number[];
  /** Task (index into `tasks`) of sample `index`; the same for every attempt. */
  taskOf(index: number): number;
  /** Task, item and seed of attempt `attempt` (0-based) of sample `index`. */
  attempt(index: number, attempt: number): PlannedAttempt;
}

// Fractional part of the golden ratio: the Kronecker sequence frac(c + i·φ) is the most evenly
// spread 1-D sequence, so every prefix of the dataset matches the weights within a few samples.
const PHI_FRAC = 0.6180339887498949;

/**
 * Builds the plan. Tasks are assigned to indices by a seeded low-discrepancy sequence over the
 * normalised weights; items are visited in one seeded permutation, and sample `index` uses the
 * compatible item at position `(index + attempt) mod m`, so sources are cycled evenly when there
 * are fewer images than samples and a retry moves to the next compatible item. A task takes only
 * items of the kind it needs (image, clip, view pair), with depth or cameras when it asks for
 * them; each kind has its own permutation, so adding clips leaves the image tasks' schedule as it
 * was. Throws `DatasetError` (`no-compatible-source`) when a task has no compatible item.
 */
export function createPlan(input: {
  readonly seed: number;
  readonly tasks: readonly PlanTask[];
  readonly items: readonly PlanItem[];
}): DatasetPlan {
  const { tasks, items } = input;
  const seed = input.seed >>> 0;
  if (tasks.length === 0) throw new DatasetError('invalid-options', 'a dataset needs at least one task');
  if (items.length === 0) throw new DatasetError('empty-source', 'the sources list no images');
  let total = 0;
  for (const t of tasks) {
    if (!(t.weight > 0) || !Number.isFinite(t.weight)) {
      throw new DatasetError('invalid-options', `task "${t.id}" needs a finite weight > 0, got ${t.weight}`);
    }
    total += t.weight;
  }
  const cumulative: number[] = [];
  let acc = 0;
  for (const t of tasks) {
    acc += t.weight;
    cumulative.push(acc / total);
  }
  cumulative[cumulative.length - 1] = 1;

  const orders = new Map<ItemKind, number[]>();
  for (const kind of ['image', 'clip', 'view-pair'] as const) {
    const ofKind = items.flatMap((item, i) => ((item.kind ?? 'image') === kind ? [i] : []));
    // The image order keeps its original derivation, so image-only runs keep their bytes.
    orders.set(kind, ofKind.length === 0 ? [] : createRng(deriveSeed(seed, kind === 'image' ? 'item-order' : `${kind}-order`)).shuffle(ofKind));
  }
  const compatible = tasks.map((t) => {
    const needs = planNeeds(t.needs);
    return Uint32Array.from(orders.get(needs.kind)!.filter((i) => fits(needs, items[i])));
  });
  tasks.forEach((t, i) => {
    if (compatible[i].length === 0) throw new DatasetError('no-compatible-source', noSourceMessage(t.id, planNeeds(t.needs)));
  });
  const offset = deriveSeed(seed, 'task-order') / 4294967296;

  const taskOf = (index: number): number => {
    checkIndex(index);
    const x = offset + index * PHI_FRAC;
    const u = x - Math.floor(x);
    for (let t = 0; t < cumulative.length; t++) if (u < cumulative[t]) return t;
    return cumulative.length - 1;
  };

  return {
    seed,
    tasks,
    compatibleCounts: compatible.map((c) => c.length),
    taskOf,
    attempt(index: number, attempt: number): PlannedAttempt {
      if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`attempt must be an integer >= 0, got ${attempt}`);
      const task = taskOf(index);
      const list = compatible[task];
      const item = list[(index + attempt) % list.length];
      return { task, item, seed: deriveSeed(seed, 'sample', tasks[task].id, index, attempt) };
    },
  };
}

function planNeeds(needs: PlanTask['needs']): InputNeeds {
  return needs === 'rgb' || needs === 'rgbd' ? { kind: 'image', depth: needs === 'rgbd' } : needs;
}

function fits(needs: InputNeeds, item: PlanItem): boolean {
  if (needs.depth && !item.hasDepth) return false;
  return needs.kind !== 'clip' || !needs.cameras || item.hasCameras === true;
}

function noSourceMessage(id: string, needs: InputNeeds): string {
  if (needs.kind === 'image') {
    return needs.depth
      ? `task "${id}" needs RGB-D images but no source item has depth; add a depth source (e.g. synthetic, diode:<dir>, megadepth:<dir>)`
      : `task "${id}" needs images but no image source lists any; add one (e.g. synthetic, folder:<dir>)`;
  }
  if (needs.kind === 'clip') {
    const what = [needs.depth ? 'depth maps' : '', needs.cameras ? 'cameras' : ''].filter(Boolean).join(' and ');
    return `task "${id}" needs clips${what ? ` whose frames carry ${what}` : ''} but no clip source lists any; add a clip source (${what ? 'flythrough' : 'flythrough, video:<file or dir>, frames:<dir>'})`;
  }
  return `task "${id}" needs view pairs${needs.depth ? ' with depth' : ''} but no view-pair source lists any; add one (twoview)`;
}

function checkIndex(index: number): void {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`sample index must be an integer >= 0, got ${index}`);
}

/** The index range `[start, end)` of shard `k` of `n` (1-based k): shards concatenate to `[0, count)`. */
export function shardRange(count: number, shard: { readonly k: number; readonly n: number }): { start: number; end: number } {
  const { k, n } = shard;
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(k) || k < 1 || k > n) {
    throw new DatasetError('invalid-options', `shard must be k/n with 1 <= k <= n, got ${k}/${n}`);
  }
  return { start: Math.floor(((k - 1) * count) / n), end: Math.floor((k * count) / n) };
}

/** The global sample id `<task>-<index>`, the index zero-padded to at least 6 digits (wider for larger counts). */
export function sampleId(taskId: string, index: number, count: number): string {
  const width = Math.max(6, String(Math.max(0, count - 1)).length);
  return `${taskId}-${String(index).padStart(width, '0')}`;
}
