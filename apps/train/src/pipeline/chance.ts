import { chanceAccuracy } from '@spatial-ssrl/bench';
import { defaultRegistry } from '@spatial-ssrl/tasks';
import { readDatasetManifest } from '@spatial-ssrl/spec/node';

/** Chance level of one task and the answer-space sizes it was computed from. */
export interface TaskChance {
  /** Mean of 1 / |answer space| over the evaluated items, 0-1. */
  readonly chance: number;
  /** Variant → [items, answer-space size]. */
  readonly variants: Readonly<Record<string, readonly [number, number]>>;
}

/**
 * Chance accuracy per task for the evaluated items, from the answer spaces the task declares
 * for each item's variant under the dataset's recorded params (`dataset.json`). Tasks the
 * registry does not know, or datasets without a manifest, get no entry.
 */
export async function chanceByTask(dataDir: string, items: readonly { task: string; variant?: string }[]): Promise<Record<string, TaskChance>> {
  const manifest = await readDatasetManifest(dataDir).catch(() => undefined);
  if (!manifest) return {};
  const registry = defaultRegistry();
  const sizes = new Map<string, Map<string, number>>();
  for (const entry of manifest.config.tasks) {
    if (!registry.has(entry.id)) continue;
    const task = registry.get(entry.id);
    const params = task.params.parse(entry.params);
    sizes.set(entry.id, new Map(task.variants(params).map((v) => [v, task.answerSpace(params, v).length])));
  }
  const perTask = new Map<string, number[]>();
  const variantCounts = new Map<string, Map<string, number>>();
  const unknown = new Set<string>();
  for (const it of items) {
    const size = it.variant === undefined ? undefined : sizes.get(it.task)?.get(it.variant);
    if (size === undefined) {
      unknown.add(it.task);
      continue;
    }
    (perTask.get(it.task) ?? perTask.set(it.task, []).get(it.task)!).push(size);
    const counts = variantCounts.get(it.task) ?? variantCounts.set(it.task, new Map()).get(it.task)!;
    counts.set(it.variant!, (counts.get(it.variant!) ?? 0) + 1);
  }
  const out: Record<string, TaskChance> = {};
  for (const [task, list] of [...perTask].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (unknown.has(task)) continue;
    const table = sizes.get(task)!;
    const variants = Object.fromEntries(
      [...variantCounts.get(task)!].sort(([a], [b]) => (a < b ? -1 : 1)).map(([v, n]) => [v, [n, table.get(v)!] as const]),
    );
    out[task] = { chance: chanceAccuracy(list), variants };
  }
  return out;
}
