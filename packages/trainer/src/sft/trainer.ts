import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defaultRegistry } from '@spatial-ssrl/tasks';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '@spatial-ssrl/spec/node';
import { ensureBackend, loadCheckpoint, modelConfig, ModelError, modelPresets, PolicyModel, saveCheckpoint, type ModelConfig } from '@spatial-ssrl/model';
import { hashKey } from '@spatial-ssrl/model/training';
import { PolicyReplica, REPLICA_ENTRY, replicaThreads } from '../replica/replica.js';
import { AdamW, optimizerConfig, type OptimizerConfig } from '../optimizer.js';
import { BatchPlan, mirrorRows, prepareExamples, type MirrorAugment, type MirrorRule, type TrainExample } from './batching.js';
import { buildImageCache, readDataset } from './dataset.js';
import { evaluateExamples, takePerTask, type EvalReport } from './evaluate.js';
import { appendMetrics, readMetrics, runPaths, truncateMetrics, writeTrainingCurve, type MetricsLine } from './run-files.js';
import { parseSftOptions, type SftOptions } from './sft-options.js';
import { localSftCompute, splitSftCompute, type SftStepCompute } from './sft-step.js';

/** Progress of one training step. */
export interface StepProgress {
  readonly step: number;
  readonly totalSteps: number;
  readonly loss: number;
  readonly lr: number;
  readonly gradNorm: number;
  /** Seconds since the run started. */
  readonly elapsedSec: number;
  /** Estimated seconds until `totalSteps`. */
  readonly etaSec: number;
  /** Training samples per second, recent average. */
  readonly samplesPerSec: number;
}

/** Hooks and controls of `trainSft`. */
export interface SftHooks {
  readonly onStep?: (p: StepProgress) => void;
  readonly onEval?: (step: number, report: EvalReport) => void;
  /** Progress of decoding the dataset's images into the image cache (images done, total). */
  readonly onCacheProgress?: (done: number, total: number) => void;
  /** Human-readable notes (dataset size, cache, resume, checkpoints). */
  readonly onInfo?: (message: string) => void;
  /** Stops training after the current step (a checkpoint is saved unless `saveOnAbort` is false). */
  readonly signal?: AbortSignal;
  /**
   * The clock time budgets (`minutes`) and speeds are measured with, in milliseconds (default
   * `performance.now`); tests give a simulated one so that a budget never depends on machine speed.
   */
  readonly now?: () => number;
}

/** What a run did. */
export interface SftResult {
  /** Steps completed (the checkpoint's step). */
  readonly step: number;
  readonly totalSteps: number;
  /** Why training stopped. */
  readonly stopped: 'steps' | 'time' | 'aborted';
  /** The last held-out evaluation, if any. */
  readonly eval?: EvalReport;
  readonly checkpoint: string;
  readonly wallSec: number;
}

const UNFITTED_TOTAL = 1_000_000_000;
// Steps timed before a time budget is turned into a step count (batches differ in image count).
const CALIBRATION_STEPS = 50;

function resolveConfig(preset: keyof typeof modelPresets, overrides: Record<string, unknown>): ModelConfig {
  const parsed = modelConfig.safeParse({ ...modelPresets[preset], ...overrides });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelError('bad-config', `model config: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

// Everything that decides the training trajectory; a resumed run must match it.
interface RunIdentity {
  readonly config: ModelConfig;
  readonly optimizer: OptimizerConfig;
  readonly batchSize: number;
  readonly seed: number;
  readonly targetTemplate: string;
  readonly taskTemplates: Readonly<Record<string, string>>;
  readonly taskWeights: Readonly<Record<string, number>>;
  readonly mirror: Readonly<Record<string, number>>;
  readonly trainRecords: number;
  /** Threads that computed the steps; a 2-thread step sums its gradient in another order. */
  readonly threads: number;
}

// The identity entries that differ; runs saved before `threads`, `taskTemplates`, `taskWeights`
// and `mirror` existed ran on one thread with one template, equal task weights and no mirroring,
// and their configurations get the defaults of fields added since (`features.edges`).
function identityDiff(saved: object, current: RunIdentity): string[] {
  const before: Record<string, unknown> = { threads: 1, taskTemplates: {}, taskWeights: {}, mirror: {}, ...saved };
  const savedConfig = modelConfig.safeParse(before.config);
  if (savedConfig.success) before.config = savedConfig.data;
  const now: Record<string, unknown> = { ...current };
  return [...new Set([...Object.keys(before), ...Object.keys(now)])]
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(now[k]))
    .map((k) => (typeof now[k] === 'object' ? k : `${k} ${JSON.stringify(before[k])} then, ${JSON.stringify(now[k])} now`));
}

// The mirror rules of the tasks `rates` names, from `registry` (default: the built-in tasks).
function mirrorAugment(rates: Readonly<Record<string, number>>, registry = defaultRegistry()): MirrorAugment | undefined {
  const named = Object.keys(rates).filter((t) => rates[t] > 0);
  if (named.length === 0) return undefined;
  const rules: Record<string, MirrorRule> = {};
  for (const task of named) {
    if (!registry.has(task)) throw new ModelError('bad-config', `mirror: no task "${task}" is registered (known: ${registry.list().map((t) => t.id).join(', ')})`);
    const t = registry.get(task);
    if (!t.mirrorAnswer) throw new ModelError('bad-config', `mirror: task "${task}" declares no mirrorAnswer, so its records cannot be mirrored`);
    rules[task] = (sample) => t.mirrorAnswer!(sample);
  }
  return { rates, rules };
}

/**
 * Supervised fine-tuning (the cold start) on a Spatial-SSRL dataset directory: teacher forcing on
 * `targetTemplate` answers (or `taskTemplates[task]`), AdamW with linear warm-up and cosine decay, global grad-norm
 * clipping, batches grouped by image count (tasks mixed), periodic held-out evaluation by exact
 * match (`split: 'test'` records), atomic checkpoints in `<out>/checkpoint` with optimizer state
 * and data cursor. With `threads: 2` a replica of the model in a worker thread computes the
 * gradient of half of each batch (see `splitSftCompute`). Data order and dropout are functions of
 * `(seed, step)` (and, for dropout, of each thread's share), so a run resumed from a checkpoint
 * with the same thread count ends with the same weights, bit for bit, as an uninterrupted one.
 * Starts the fastest backend when none is running (see `ensureBackend`).
 */
export async function trainSft(input: SftOptions, hooks: SftHooks = {}): Promise<SftResult> {
  const now = hooks.now ?? (() => performance.now());
  const parsed = parseSftOptions(input);
  await ensureBackend();
  const started = now();
  const elapsed = (): number => (now() - started) / 1000;
  const info = hooks.onInfo ?? (() => {});
  const backend = tf.getBackend();
  const entry = new URL(REPLICA_ENTRY, import.meta.url);
  const { threads, note } = replicaThreads(parsed.threads, backend, entry);
  if (note) info(`threads: 1 (${note})`);
  const o = { ...parsed, threads };
  const files = runPaths(o.out);
  const config = resolveConfig(o.preset, o.model);
  await mkdir(o.out, { recursive: true });

  const dataset = await readDataset(o.data);
  const trainRecords = dataset.records.filter((r) => r.split === 'train');
  const evalDataset = o.evalData ? await readDataset(o.evalData) : dataset;
  const testRecords = evalDataset.records.filter((r) => r.split === 'test');
  const templates = { template: o.targetTemplate, tasks: o.taskTemplates };
  const train = prepareExamples(config, trainRecords, templates, mirrorAugment(o.mirror, o.registry));
  const test = takePerTask(prepareExamples(config, testRecords, templates), o.evalSamples);
  info(
    `dataset: ${train.length} train records; ${testRecords.length} test records${o.evalData ? ` in ${o.evalData}` : ''} (${test.length} used for evaluation)`,
  );

  let resumed: Awaited<ReturnType<typeof loadCheckpoint>> | undefined;
  if (o.resume) {
    resumed = await loadCheckpoint(files.checkpoint, { training: true });
  } else if (await exists(files.checkpoint)) {
    throw new ModelError('bad-config', `${o.out} already holds a checkpoint; resume it or choose another output folder`);
  }

  const cache = await buildImageCache(dataset, config.imageSize, {
    file: path.join(o.out, `image-cache-${config.imageSize}.bin`),
    onProgress: hooks.onCacheProgress,
  });
  const evalCache = o.evalData
    ? await buildImageCache(evalDataset, config.imageSize, { file: path.join(o.out, `eval-image-cache-${config.imageSize}.bin`) })
    : cache;
  info(`image cache: ${cache.slots.size + (o.evalData ? evalCache.slots.size : 0)} images at ${config.imageSize} px (${elapsed().toFixed(1)} s)`);

  const plan = new BatchPlan(train, o.batchSize, o.seed, o.taskWeights);
  let totalSteps = o.steps ?? 0;
  const savedState = resumed?.training?.state as
    | { identity?: RunIdentity; totalSteps?: number; logWindow?: { loss: number; grad: number; n: number; samples: number } }
    | undefined;
  if (resumed && savedState?.totalSteps !== undefined) {
    if (o.steps !== undefined && savedState.totalSteps > 0 && o.steps !== savedState.totalSteps) {
      throw new ModelError(
        'bad-config',
        `${files.checkpoint} follows a ${savedState.totalSteps}-step schedule; resume with steps ${savedState.totalSteps} (a longer schedule needs a new run folder)`,
      );
    }
    totalSteps = savedState.totalSteps;
  }
  const optimizer = (total: number): OptimizerConfig =>
    optimizerConfig.parse({
      lr: o.lr,
      warmupSteps: o.warmupSteps,
      minLrRatio: o.minLrRatio,
      totalSteps: Math.max(1, total),
      weightDecay: o.weightDecay,
      clipNorm: o.clipNorm,
    });
  const identity = (total: number): RunIdentity => ({
    config,
    optimizer: optimizer(total),
    batchSize: o.batchSize,
    seed: o.seed,
    targetTemplate: o.targetTemplate,
    taskTemplates: o.taskTemplates,
    taskWeights: o.taskWeights,
    mirror: o.mirror,
    trainRecords: train.length,
    threads: o.threads,
  });
  const differs = resumed && savedState?.identity ? identityDiff(savedState.identity, identity(totalSteps)) : [];
  if (differs.length > 0) {
    throw new ModelError(
      'bad-config',
      `${files.checkpoint} was trained with other settings (model, optimizer, batch, seed, template, data or threads; differs: ${differs.join('; ')}); resume with the same ones`,
    );
  }

  const model = resumed
    ? PolicyModel.fromWeights(resumed.config, resumed.weights, { trainable: true, source: files.checkpoint })
    : PolicyModel.create(config, { seed: o.seed });
  const weights = resumed ? resumed.weights : model.readWeights();
  let replica: Promise<PolicyReplica> | undefined;
  try {
    let step = resumed?.step ?? 0;
    let adam = totalSteps > 0 ? new AdamW(model.specs, optimizer(totalSteps)) : undefined;
    // A checkpoint saved as a starting point (weights, no optimizer moments) starts a fresh optimizer.
    if (adam && resumed?.training && resumed.training.moments.length > 0) adam.loadMoments(resumed.training.moments, step);
    const metrics: MetricsLine[] = resumed ? await truncateMetrics(files.metrics, step) : [];
    if (!resumed) await writeFile(files.metrics, '');
    await writeFileAtomic(
      files.config,
      JSON.stringify({ options: { ...o, registry: undefined, threads: parsed.threads }, threads: o.threads, backend, config, trainRecords: train.length }, null, 2),
    );
    if (resumed) info(`resumed from step ${step} of ${totalSteps}`);
    let version = 0;
    const current = (): { version: number; weights: Map<string, Float32Array> } => ({ version, weights });
    // The replica starts while the first evaluation runs.
    replica = o.threads === 2 ? PolicyReplica.start(entry, { backend, config, weights: current(), cache, stage: 'SFT' }) : undefined;
    replica?.catch(() => {});

    const title = `SFT ${o.preset}, ${config.imageSize} px / patch ${config.patchSize} (${model.parameterCount.toLocaleString('en-US')} parameters), batch ${o.batchSize}`;
    let lastEval: EvalReport | undefined;
    const save = async (): Promise<void> => {
      await saveCheckpoint(files.checkpoint, config, weights, {
        step,
        metadata: { kind: 'sft', preset: o.preset, data: path.resolve(o.data), trainedSteps: step, eval: lastEval },
        training: {
          state: {
            identity: identity(totalSteps),
            totalSteps,
            dataCursor: { epoch: plan.epochOf(step), step },
            seed: o.seed,
            // The partial metrics interval, so a resumed run writes the same metrics lines.
            logWindow: { loss: window.loss, grad: window.grad, n: window.n, samples: window.samples },
          },
          moments: adam!.saveMoments(),
        },
      });
    };
    let lastEvalSec = 0;
    const evaluate = async (): Promise<void> => {
      if (test.length === 0) return;
      const t0 = now();
      lastEval = evaluateExamples(model, config, test, evalCache);
      lastEvalSec = (now() - t0) / 1000;
      const line: MetricsLine = { type: 'eval', step, elapsedSec: elapsed(), report: lastEval };
      metrics.push(line);
      await appendMetrics(files.metrics, line);
      await writeTrainingCurve(files.curve, metrics, title, files.curvePng);
      hooks.onEval?.(step, lastEval);
    };

    const deadline = o.minutes !== undefined ? o.minutes * 60 : Infinity;
    // Time kept for the final evaluation and checkpoint, so the whole run fits the budget.
    const reserve = (): number => Math.max(lastEvalSec * 1.2, 0.03 * deadline) + 1;
    let stopped: SftResult['stopped'] = 'steps';
    let window = { loss: 0, grad: 0, n: 0, samples: 0, t: now(), ...savedState?.logWindow };
    const stepTimes: number[] = [];
    if (step === 0 && o.evalAtStart && !resumed) await evaluate();
    const compute: SftStepCompute = replica ? splitSftCompute(model, config, cache, await replica, current) : localSftCompute(model, config, cache);
    if (replica) info('threads: 2 (a model replica in a worker thread computes half of each batch)');
    // Steps that fit the time left at `perStep` seconds each, periodic evaluations included.
    const stepsLeft = (perStep: number, share: number): number => {
      const evalShare = o.evalEvery > 0 ? lastEvalSec / o.evalEvery : 0;
      return Math.max(1, Math.floor(((deadline - reserve() - elapsed()) * share) / (perStep + evalShare)));
    };
    const refit = (total: number, why: string): void => {
      totalSteps = total;
      const fitted = new AdamW(model.specs, optimizer(totalSteps));
      fitted.loadMoments(adam!.saveMoments(), adam!.step);
      adam = fitted;
      info(`time budget: ${totalSteps} steps (${why})`);
    };
    // Whether this session fitted the schedule to the time budget (and so keeps it fitted).
    let fitted = false;
    while (true) {
      if (totalSteps === 0 && stepTimes.length >= CALIBRATION_STEPS) {
        // A time budget without a step count: fit the schedule to the budget once the speed is known.
        const perStep = stepTimes.slice(5).reduce((a, b) => a + b, 0) / (stepTimes.length - 5);
        refit(step + stepsLeft(perStep, 0.93), `${(perStep * 1000).toFixed(0)} ms per step`);
        fitted = true;
      }
      if (totalSteps > 0 && step >= totalSteps) break;
      if (elapsed() >= deadline - reserve()) {
        stopped = 'time';
        break;
      }
      if (hooks.signal?.aborted) {
        stopped = 'aborted';
        break;
      }
      // Until a time budget is fitted, the schedule stays at its peak after warm-up.
      if (!adam) adam = new AdamW(model.specs, optimizer(UNFITTED_TOTAL));
      const t0 = now();
      const batch: TrainExample[] = mirrorRows(
        plan.batchAt(step).map((i) => train[i]),
        o.mirror,
        o.seed,
        step,
      );
      const { loss, grads } = await compute.gradients(batch, hashKey(o.seed, 0xd20, step));
      const upd = adam.update(weights, grads);
      model.writeWeights(weights);
      version++;
      step++;
      stepTimes.push((now() - t0) / 1000);
      window.loss += loss;
      window.grad += upd.gradNorm;
      window.n++;
      window.samples += batch.length;
      const recent = stepTimes.slice(-20);
      const perStep = recent.reduce((a, b) => a + b, 0) / recent.length;
      hooks.onStep?.({
        step,
        totalSteps,
        loss,
        lr: upd.lr,
        gradNorm: upd.gradNorm,
        elapsedSec: elapsed(),
        etaSec: totalSteps > 0 ? Math.max(0, totalSteps - step) * perStep : NaN,
        samplesPerSec: o.batchSize / perStep,
      });
      if (step % o.logEvery === 0 || step === totalSteps) {
        const t = now();
        const line: MetricsLine = {
          type: 'train',
          step,
          loss: window.loss / window.n,
          lr: upd.lr,
          gradNorm: window.grad / window.n,
          samplesPerSec: (window.samples / (t - window.t)) * 1000,
          elapsedSec: elapsed(),
        };
        metrics.push(line);
        await appendMetrics(files.metrics, line);
        window = { loss: 0, grad: 0, n: 0, samples: 0, t };
      }
      const evalNow = o.evalEvery > 0 && step % o.evalEvery === 0 && step !== totalSteps;
      if (evalNow) {
        await evaluate();
        if (fitted) {
          // Speed drifts and evaluations take time: fit the rest of the schedule again, so that
          // the learning rate finishes its decay when the budget ends.
          const recent = stepTimes.slice(-Math.min(stepTimes.length, 200));
          const perStep = recent.reduce((a, b) => a + b, 0) / recent.length;
          const total = step + stepsLeft(perStep, 0.97);
          if (total !== totalSteps) refit(total, `refitted at step ${step}: ${(perStep * 1000).toFixed(0)} ms per step, ${lastEvalSec.toFixed(1)} s per evaluation`);
        }
      }
      if (evalNow || (o.checkpointEvery > 0 && step % o.checkpointEvery === 0)) await save();
    }
    if (stopped !== 'aborted' || o.saveOnAbort) {
      if (stopped !== 'aborted') await evaluate();
      if (!adam) adam = new AdamW(model.specs, optimizer(Math.max(1, totalSteps)));
      await save();
      info(`checkpoint: ${files.checkpoint} (step ${step})`);
    }
    if (metrics.length > 0) await writeTrainingCurve(files.curve, metrics, title, files.curvePng);
    return { step, totalSteps, stopped, eval: lastEval, checkpoint: files.checkpoint, wallSec: elapsed() };
  } finally {
    await replica?.then(
      (r) => r.close(),
      () => {},
    );
    model.dispose();
  }
}

/** Reads a run folder's metrics (for reports and plots). */
export async function readRunMetrics(dir: string): Promise<MetricsLine[]> {
  return readMetrics(runPaths(dir).metrics);
}

/** Reads a run folder's `run.json`. */
export async function readRunConfig(dir: string): Promise<unknown> {
  return JSON.parse(await readFile(runPaths(dir).config, 'utf8'));
}
