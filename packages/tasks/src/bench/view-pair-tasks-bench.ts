import { twoViewSource } from '@spatial-ssrl/scenes';
import { createRng, deriveSeed } from '@spatial-ssrl/spec';
import { loadViewPairInput } from '../dataset/inputs.js';
import { extraTasks } from '../registry.js';
import { fmt, median, timeSample } from './bench-stats.js';
import { taskNeeds, type Task, type ViewPairInput } from '../task.js';

/**
 * Times the view-pair tasks per sample, as the dataset writer runs them: "full" = render both
 * views of a 320×240 synthetic pair + generate + PNG-encode every image; "render" = the two
 * views alone; "generate" = the task alone on views already rendered. Prints a Markdown table.
 */
export async function viewPairTasksBench(): Promise<void> {
  const tasks = extraTasks.filter((t) => taskNeeds(t, t.params.parse({})).kind === 'view-pair') as Task<unknown, ViewPairInput>[];
  console.log('\n## View-pair tasks (median per sample, default params)\n');
  const pairs = await twoViewSource({ count: 6, width: 320, height: 240 }).list();
  console.log('| task | input | full ms | render ms | generate ms | rejected |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const task of tasks) {
    const params = task.params.parse({});
    const needs = taskNeeds(task, params);
    if (needs.kind !== 'view-pair') continue;
    const full: number[] = [];
    const render: number[] = [];
    const gen: number[] = [];
    let rejected = 0;
    const reps = pairs.length - 1;
    // The first pair warms up; each later sample renders a new pair, as a dataset would visit them.
    for (let i = -1; i < reps; i++) {
      const item = pairs[i + 1]!;
      const seed = deriveSeed(7, task.id, item.id);
      const times = await timeSample(
        async () => {
          const loaded = await loadViewPairInput(item, needs, { dataset: item.dataset, id: item.id });
          if ('failure' in loaded) throw new Error(`${item.id}: ${loaded.failure.message}`);
          return loaded.input;
        },
        (pair) => task.generate(pair, params, createRng(seed)),
      );
      if (times.rejected) rejected++;
      if (i >= 0) {
        full.push(times.full);
        render.push(times.load);
        gen.push(times.generate);
      }
    }
    console.log(`| ${task.id} | two-view 320x240, baseline 1 m | ${fmt(median(full))} | ${fmt(median(render))} | ${fmt(median(gen))} | ${rejected}/${reps + 1} |`);
  }
}
