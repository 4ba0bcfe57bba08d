import { existsSync } from 'node:fs';
import { link, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint } from '@spatial-ssrl/model';
import { runPaths, trainGrpo, trainSft, type GrpoResult, type SftResult } from '@spatial-ssrl/trainer';
import type { TaskRegistry } from '@spatial-ssrl/tasks';
import { pct, trainerProgress, type TrainerProgressIo } from '../trainer-progress.js';
import type { PipelinePlan } from './plan.js';

/** Where stages write progress and notes. */
export type StageIo = TrainerProgressIo;

/** Raised when a stage stopped because the run was interrupted (exit code 130). */
export class PipelineInterrupted extends Error {
  override readonly name = 'PipelineInterrupted';
  readonly code = 'interrupted';
  constructor(readonly stage: string) {
    super(`interrupted during ${stage}`);
  }
}

// Trainers keep decoded images in `<run>/image-cache-<px>.bin`, keyed by the dataset's image list;
// linking the SFT run's file lets later runs on the same data skip decoding every image again.
async function shareImageCache(fromRun: string, toRun: string): Promise<void> {
  const names = await readdir(fromRun).catch(() => [] as string[]);
  for (const name of names.filter((n) => /^image-cache-\d+\.bin$/.test(n))) {
    if (!existsSync(join(toRun, name))) await link(join(fromRun, name), join(toRun, name)).catch(() => undefined);
  }
}

function remainingMinutes(minutes: number | undefined, priorSec: number): number | undefined {
  if (minutes === undefined) return undefined;
  return Math.max(0.05, minutes - priorSec / 60);
}

/** Summary a training stage records. */
export interface TrainSummary {
  readonly step: number;
  readonly totalSteps: number;
  readonly stopped: string;
  readonly trainerSec: number;
  readonly [key: string]: unknown;
}

function summary(r: SftResult | GrpoResult): TrainSummary {
  return { step: r.step, totalSteps: r.totalSteps, stopped: r.stopped, trainerSec: Math.round(r.wallSec * 10) / 10 };
}

/** The SFT cold start into `dir`; `resume` continues `dir/checkpoint`, `priorSec` is time already spent on it. */
export async function sftStage(plan: PipelinePlan, registry: TaskRegistry, data: string, dir: string, resume: boolean, priorSec: number, io: StageIo): Promise<TrainSummary> {
  const t = trainerProgress('sft', io);
  const result = await trainSft(
    {
      data,
      out: dir,
      preset: plan.model,
      ...(plan.modelInput ? { model: plan.modelInput } : {}),
      batchSize: plan.sft.batchSize,
      lr: plan.sft.lr,
      warmupSteps: plan.sft.warmupSteps,
      ...(plan.sft.steps !== undefined ? { steps: plan.sft.steps } : { minutes: remainingMinutes(plan.sft.minutes, priorSec) }),
      seed: plan.seed,
      evalEvery: plan.sft.evalEvery,
      evalSamples: plan.sft.evalSamples,
      taskTemplates: plan.sft.taskTemplates,
      taskWeights: plan.sft.taskWeights,
      mirror: plan.sft.mirror,
      registry,
      resume: resume && existsSync(runPaths(dir).checkpoint),
    },
    { ...t.hooks, onStep: (p) => t.step(p.step, p.totalSteps, `loss ${p.loss.toFixed(4)}  ${p.samplesPerSec.toFixed(0)} samples/s`) },
  );
  t.finish();
  if (result.stopped === 'aborted') throw new PipelineInterrupted('sft');
  return summary(result);
}

/** GRPO from the SFT run into `dir`. */
export async function grpoStage(
  plan: PipelinePlan,
  data: string,
  sftDir: string,
  dir: string,
  resume: boolean,
  priorSec: number,
  io: StageIo,
): Promise<TrainSummary> {
  await shareImageCache(sftDir, dir);
  const t = trainerProgress('grpo', io);
  const result = await trainGrpo(
    {
      init: sftDir,
      data,
      out: dir,
      ...(plan.grpo.steps !== undefined ? { steps: plan.grpo.steps } : { minutes: remainingMinutes(plan.grpo.minutes, priorSec) }),
      promptsPerStep: plan.grpo.promptsPerStep,
      groupSize: plan.grpo.groupSize,
      lr: plan.grpo.lr,
      ...(plan.grpo.promptsPerTask !== undefined ? { promptsPerTask: plan.grpo.promptsPerTask } : {}),
      seed: plan.seed,
      evalEvery: plan.grpo.evalEvery,
      evalSamples: plan.grpo.evalSamples,
      resume: resume && existsSync(runPaths(dir).checkpoint),
    },
    {
      ...t.hooks,
      onStep: (p) => t.step(p.step, p.totalSteps, `reward ${p.reward.toFixed(3)}  accuracy ${pct(p.accuracy)}  kl ${p.kl.toFixed(4)}`),
    },
  );
  t.finish();
  if (result.stopped === 'aborted') throw new PipelineInterrupted('grpo');
  return {
    ...summary(result),
    ...(result.initialEval ? { initialAccuracy: result.initialEval.overall.accuracy } : {}),
    ...(result.eval ? { finalAccuracy: result.eval.overall.accuracy } : {}),
  };
}

/**
 * The control run: SFT continued from the SFT checkpoint for `plan.control.steps` steps or, without
 * them, for `seconds` of wall-clock time (what GRPO took), with a fresh optimizer, its own warm-up
 * and cosine schedule and another data order.
 */
export async function controlStage(
  plan: PipelinePlan,
  registry: TaskRegistry,
  data: string,
  sftDir: string,
  dir: string,
  seconds: number,
  resume: boolean,
  priorSec: number,
  io: StageIo,
): Promise<TrainSummary> {
  const checkpoint = runPaths(dir).checkpoint;
  if (!resume || !existsSync(checkpoint)) {
    // `trainSft` has no init option: the SFT weights are saved here as a step-0 checkpoint with
    // an empty trainer state (no run identity, no optimizer moments), which `trainSft` resumes
    // as a fresh run from those weights with a schedule fitted to the time budget.
    const init = await loadCheckpoint(runPaths(sftDir).checkpoint);
    await saveCheckpoint(checkpoint, init.config, init.weights, {
      step: 0,
      metadata: { kind: 'sft-control', init: runPaths(sftDir).checkpoint, initStep: init.step },
      training: { state: {}, moments: new Float32Array(0) },
    });
  }
  await shareImageCache(sftDir, dir);
  const t = trainerProgress('control', io);
  const result = await trainSft(
    {
      data,
      out: dir,
      preset: plan.model,
      ...(plan.modelInput ? { model: plan.modelInput } : {}),
      batchSize: plan.sft.batchSize,
      lr: plan.control.lr,
      warmupSteps: plan.control.warmupSteps,
      ...(plan.control.steps !== undefined ? { steps: plan.control.steps } : { minutes: Math.max(0.05, (seconds - priorSec) / 60) }),
      seed: (plan.seed + 1) >>> 0,
      evalEvery: plan.sft.evalEvery,
      evalSamples: plan.sft.evalSamples,
      taskTemplates: plan.sft.taskTemplates,
      taskWeights: plan.sft.taskWeights,
      mirror: plan.sft.mirror,
      registry,
      resume: true,
    },
    { ...t.hooks, onStep: (p) => t.step(p.step, p.totalSteps, `loss ${p.loss.toFixed(4)}  ${p.samplesPerSec.toFixed(0)} samples/s`) },
  );
  t.finish();
  if (result.stopped === 'aborted') throw new PipelineInterrupted('control');
  return plan.control.steps !== undefined ? summary(result) : { ...summary(result), budgetSec: Math.round(seconds * 10) / 10 };
}
