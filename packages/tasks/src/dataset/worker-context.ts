import { defaultRegistry } from '../registry.js';
import { resolveClipSource, resolveSource, resolveViewPairSource } from '../source-spec.js';
import { taskNeeds } from '../task.js';
import { DatasetError } from '@spatial-ssrl/spec';
import { itemsDigest, listItems } from './items.js';
import { createPlan } from './plan.js';
import { loadTaskPlugin } from './plugin.js';
import { createSampleRunner, type SampleOutcome } from './sample-job.js';
import type { WorkerInit } from './worker-pool.js';

/**
 * Rebuilds a run inside a worker from plain data: re-opens the sources from their specs, checks
 * the item list matches the main thread's, loads the plugins into the default registry and looks
 * the tasks up by id.
 */
export async function createWorkerRunner(init: WorkerInit): Promise<{ run(index: number): Promise<SampleOutcome> }> {
  const { config } = init;
  const items = await listItems({
    images: config.sources.map((spec) => resolveSource(spec)),
    clips: (config.clips ?? []).map((spec) => resolveClipSource(spec)),
    viewPairs: (config.viewPairs ?? []).map((spec) => resolveViewPairSource(spec)),
  });
  const digest = itemsDigest(items);
  if (digest !== init.digest) {
    throw new DatasetError('source-changed', `the sources list different images in a worker (${digest}) than at start (${init.digest}); were files added or removed?`);
  }
  const registry = defaultRegistry();
  for (const plugin of init.plugins) await loadTaskPlugin(registry, plugin);
  const tasks = config.tasks.map((entry) => {
    if (!registry.has(entry.id)) {
      throw new DatasetError('unknown-task', `task "${entry.id}" is neither built in nor registered by a plugin; pass the module that defines it as a plugin`);
    }
    return { task: registry.get(entry.id), params: entry.params };
  });
  const plan = createPlan({
    seed: config.seed,
    tasks: tasks.map((t, i) => ({ id: t.task.id, needs: taskNeeds(t.task, t.params), weight: config.tasks[i].weight })),
    items,
  });
  return createSampleRunner({
    outDir: init.outDir,
    tmpDir: init.tmpDir,
    plan,
    items,
    tasks,
    count: config.count,
    format: config.format,
    jpegQuality: config.jpegQuality,
    testFraction: config.testFraction,
    splitSeed: config.splitSeed,
    maxAttempts: config.maxAttempts,
    cacheBytes: init.cacheBytes,
  });
}
