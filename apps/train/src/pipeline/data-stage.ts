import { join } from 'node:path';
import { generateDataset } from '@spatial-ssrl/tasks';
import { DATASET_FILES, DatasetError } from '@spatial-ssrl/spec';
import { createProgress, readSamples, type Progress } from '@spatial-ssrl/spec/node';
import type { PipelinePlan } from './plan.js';
import { PipelineInterrupted, type StageIo } from './train-stages.js';

/** Held-out records the report needs per task for intervals of about ±4 percentage points. */
export const MIN_TEST_PER_TASK = 500;

/** Counts of a dataset directory by split and task. */
export interface DataSummary {
  readonly dir: string;
  readonly train: number;
  readonly test: number;
  /** Task → test records. */
  readonly testByTask: Readonly<Record<string, number>>;
  /** Task → train records. */
  readonly trainByTask: Readonly<Record<string, number>>;
  readonly [key: string]: unknown;
}

/** Counts the records of a dataset directory's `samples.jsonl` by split and task; a missing file, a bad record or an empty split is a `DatasetError`. */
async function summariseDataset(dir: string): Promise<DataSummary> {
  const file = join(dir, DATASET_FILES.samples);
  const trainByTask: Record<string, number> = {};
  const testByTask: Record<string, number> = {};
  for await (const record of readSamples(dir)) {
    const into = record.split === 'test' ? testByTask : trainByTask;
    into[record.task] = (into[record.task] ?? 0) + 1;
  }
  const sum = (o: Record<string, number>): number => Object.values(o).reduce((a, b) => a + b, 0);
  const sorted = (o: Record<string, number>): Record<string, number> => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
  if (sum(trainByTask) === 0) throw new DatasetError('not-a-dataset', `${file}: no records with split "train" to train on`);
  if (sum(testByTask) === 0) throw new DatasetError('not-a-dataset', `${file}: no records with split "test" to evaluate on`);
  return { dir, train: sum(trainByTask), test: sum(testByTask), trainByTask: sorted(trainByTask), testByTask: sorted(testByTask) };
}

/** The data stage: generates the plan's dataset into `dir` (resuming a partial one), or checks an existing directory. */
export async function dataStage(plan: PipelinePlan, dir: string, workers: number | undefined, io: StageIo): Promise<DataSummary> {
  if (plan.data.kind === 'existing') return summariseDataset(plan.data.dir);
  let bar: Progress | undefined;
  try {
    const result = await generateDataset({
      sources: plan.data.sources,
      tasks: plan.data.tasks.map((id) => ({ task: id, params: plan.data.kind === 'generate' ? plan.data.params[id] : undefined })),
      plugins: plan.plugins,
      count: plan.data.count,
      seed: plan.seed,
      out: dir,
      testFraction: plan.data.testFraction,
      ...(workers !== undefined ? { workers } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
      onProgress: io.quiet
        ? undefined
        : (p) => {
            if (!bar) {
              if (p.resumed > 0) io.stream.write(`resuming at index ${p.resumed} of ${p.total}\n`);
              bar = createProgress({ label: 'generate', total: p.total, stream: io.stream, unit: 'samples' });
            }
            bar.update(p.done, `${p.rejections} rejected`);
          },
    });
    bar?.finish(`${result.manifest.counts?.rejections.total ?? 0} rejected`);
  } catch (error) {
    if (error instanceof DatasetError && error.code === 'aborted') throw new PipelineInterrupted('data');
    throw error;
  }
  return summariseDataset(dir);
}
