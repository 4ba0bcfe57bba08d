import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createAdaptiveKlController, createFixedKlController, type KlController } from '@spatial-ssrl/grpo';
import type { PartialCreditRule } from '@spatial-ssrl/rewards';
import { writeFileAtomic } from '@spatial-ssrl/spec/node';
import { defaultRegistry } from '@spatial-ssrl/tasks';
import { loadCheckpoint, ModelError, PolicyModel, saveCheckpoint, type LoadedCheckpoint } from '@spatial-ssrl/model';
import { CounterRng, countParameters, hashKey, paramSpecs } from '@spatial-ssrl/model/training';
import { AdamW, learningRate, optimizerConfig, type OptimizerConfig } from '../optimizer.js';
import { DEFAULT_TARGET_TEMPLATE, prepareExamples } from '../sft/batching.js';
import { buildImageCache, readDataset } from '../sft/dataset.js';
import { evaluateExamples, takePerTask, type EvalReport } from '../sft/evaluate.js';
import { checkSameArchitecture, loadInitCheckpoint, seedImageCache } from './grpo-init.js';
import { parseGrpoOptions, type GrpoOptions, type GrpoSettings } from './grpo-options.js';
import {
  appendJsonLine,
  grpoRunPaths,
  truncateJsonLines,
  writeRewardCurve,
  type GrpoEvalLine,
  type GrpoMetricsLine,
  type GrpoStepLine,
} from './grpo-run-files.js';
import type { UpdateMetrics, UpdateRow } from './policy-update.js';
import { PromptPlan } from './prompt-plan.js';
import { PolicyReplica, REPLICA_ENTRY, replicaThreads } from '../replica/replica.js';
import { rolloutLogLine, summariseRewards } from './reward-summary.js';
import { rolloutAdvantages, selectGroups } from './rollout-advantages.js';
import type { Rollout } from './rollout.js';
import { localCompute, splitCompute, type StepCompute } from './step-compute.js';

/** Progress of one GRPO step. */
export interface GrpoStepProgress {
  readonly step: number;
  /** Planned steps (estimated from the speed when only `minutes` is given; 0 until then). */
  readonly totalSteps: number;
  /** Mean reward of the step's responses, and its accuracy part. */
  readonly reward: number;
  readonly accuracy: number;
  /** KL of the policy to the reference, nats per token. */
  readonly kl: number;
  readonly rolloutSec: number;
  readonly updateSec: number;
  readonly elapsedSec: number;
  readonly etaSec: number;
}

/** Hooks and controls of `trainGrpo`. */
export interface GrpoHooks {
  readonly onStep?: (p: GrpoStepProgress, line: GrpoStepLine) => void;
  readonly onEval?: (step: number, report: EvalReport) => void;
  readonly onCacheProgress?: (done: number, total: number) => void;
  readonly onInfo?: (message: string) => void;
  /** Stops after the current step (a checkpoint is saved unless `saveOnAbort` is false). */
  readonly signal?: AbortSignal;
  /**
   * The clock time budgets (`minutes`) and speeds are measured with, in milliseconds (default
   * `performance.now`); tests give a simulated one so that a budget never depends on machine speed.
   */
  readonly now?: () => number;
}

/** What a GRPO run did. */
export interface GrpoResult {
  readonly step: number;
  readonly totalSteps: number;
  readonly stopped: 'steps' | 'time' | 'aborted';
  /** Held-out scores before the first step (absent when resumed past it or without a test split). */
  readonly initialEval?: EvalReport;
  /** The last held-out evaluation. */
  readonly eval?: EvalReport;
  readonly checkpoint: string;
  readonly wallSec: number;
}

// The options that decide the trajectory; a resumed run must match them.
const TRAJECTORY_KEYS = [
  'promptsPerStep', 'groupSize', 'temperature', 'topP', 'maxNewTokens', 'estimator', 'lossType', 'lossAvgMode',
  'clipRatioLow', 'clipRatioHigh', 'clipRatioDual', 'klKind', 'klCoef', 'useKlLoss', 'klController', 'klTarget',
  'klHorizon', 'ppoEpochs', 'miniBatchSize', 'lr', 'warmupSteps', 'weightDecay', 'clipNorm', 'onlineFiltering',
  'filterKey', 'filterLow', 'filterHigh', 'grader', 'partialCredit', 'formatWeight', 'overlongBuffer', 'overlongPenalty', 'tasks', 'promptsPerTask', 'seed', 'threads',
] as const satisfies readonly (keyof GrpoSettings)[];

// The first `n` records of each task, in dataset order.
function firstPerTask<T extends { readonly task: string }>(records: readonly T[], n: number): T[] {
  const seen = new Map<string, number>();
  return records.filter((r) => {
    const c = seen.get(r.task) ?? 0;
    seen.set(r.task, c + 1);
    return c < n;
  });
}

function identityOf(o: GrpoSettings, initSha: string, refSha: string, trainPrompts: number): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const k of TRAJECTORY_KEYS) picked[k] = o[k] ?? null;
  return { ...picked, initSha, refSha, trainPrompts };
}

// The partial-credit rule of each task that declares one, by id; tasks the registry does not know keep exact match.
function partialCreditRules(tasks: ReadonlySet<string>, registry = defaultRegistry()): Record<string, PartialCreditRule> {
  const rules: Record<string, PartialCreditRule> = {};
  for (const id of [...tasks].sort()) {
    const rule = registry.has(id) ? registry.get(id).partialCredit : undefined;
    if (rule) rules[id] = rule;
  }
  return rules;
}

// The identity entries that differ; runs saved before `threads` existed ran on one thread, before `partialCredit` without it.
function identityDiff(saved: unknown, current: Record<string, unknown>): string[] {
  if (typeof saved !== 'object' || saved === null) return ['identity'];
  const before: Record<string, unknown> = { threads: 1, partialCredit: false, ...saved };
  const keys = [...new Set([...Object.keys(before), ...Object.keys(current)])];
  return keys
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(current[k]))
    .map((k) => (k.endsWith('Sha') || k === 'trainPrompts' ? k : `${k} ${JSON.stringify(before[k])} then, ${JSON.stringify(current[k])} now`));
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

/**
 * GRPO on a Spatial-SSRL dataset, starting from an SFT checkpoint (the Spatial-SSRL recipe with
 * EasyR1 semantics). Each step samples `promptsPerStep` training prompts (a pure function of
 * `(seed, step)`), draws `groupSize` responses per prompt with the policy's sampler (keeping the
 * temperature-1 log-probabilities of the sampled tokens as the old policy), scores them with the
 * `img_score` reward, turns rewards into advantages, optionally drops all-equal groups (DAPO),
 * then runs `ppoEpochs` passes of mini-batch updates: log-probs recomputed by teacher forcing,
 * clipped policy loss plus β·KL to the frozen reference policy, AdamW with grad-norm clipping.
 * Writes `metrics.jsonl`, `rollouts.jsonl`, `curve.svg` (+ `curve.png`), `config.json` and an
 * atomic, resumable `checkpoint/`: a run killed and resumed ends with the same weights and
 * metrics as an uninterrupted one. Call `loadBackend()` first.
 */
export async function trainGrpo(input: GrpoOptions, hooks: GrpoHooks = {}): Promise<GrpoResult> {
  const now = hooks.now ?? (() => performance.now());
  const parsed = parseGrpoOptions(input);
  const started = now();
  const elapsed = (): number => (now() - started) / 1000;
  const info = hooks.onInfo ?? (() => {});
  const backend = tf.getBackend();
  const entry = new URL(REPLICA_ENTRY, import.meta.url);
  const { threads, note } = replicaThreads(parsed.threads, backend, entry);
  if (note) info(`threads: 1 (${note})`);
  const o: GrpoSettings = { ...parsed, threads };
  const files = grpoRunPaths(o.out);

  const init = await loadInitCheckpoint(o.init);
  const config = init.config;
  const maxTokens = Math.min(o.maxNewTokens ?? config.maxAnswerTokens, config.maxAnswerTokens);
  if (o.overlongBuffer >= maxTokens) {
    throw new ModelError('bad-config', `grpo options: overlongBuffer: must be below the response length limit (${maxTokens} tokens), got ${o.overlongBuffer}`);
  }
  const ref = o.reference === undefined ? init : await loadInitCheckpoint(o.reference);
  checkSameArchitecture(config, ref.config, ref.dir, 'the reference policy');
  const dataset = await readDataset(o.data);
  const trainRecords = dataset.records.filter((r) => r.split === 'train');
  if (o.tasks !== undefined) {
    const present = new Set(trainRecords.map((r) => r.task));
    const missing = o.tasks.filter((t) => !present.has(t));
    if (missing.length > 0) {
      throw new ModelError('bad-config', `grpo options: tasks: ${missing.join(', ')} has no training prompts in ${o.data} (it has ${[...present].sort().join(', ')})`);
    }
  }
  const wanted = o.tasks === undefined ? undefined : new Set(o.tasks);
  const chosen = wanted ? trainRecords.filter((r) => wanted.has(r.task)) : trainRecords;
  const train = prepareExamples(config, o.promptsPerTask === undefined ? chosen : firstPerTask(chosen, o.promptsPerTask), DEFAULT_TARGET_TEMPLATE);
  const testRecords = dataset.records.filter((r) => r.split === 'test');
  const test = takePerTask(prepareExamples(config, testRecords, DEFAULT_TARGET_TEMPLATE), o.evalSamples);
  const plan = new PromptPlan(train.length, o.promptsPerStep, o.seed);
  const creditRules = o.partialCredit ? partialCreditRules(new Set(train.map((e) => e.record.task))) : undefined;
  info(`dataset: ${train.length} training prompts, ${testRecords.length} held-out records (${test.length} used for evaluation)`);
  if (creditRules) {
    const ids = Object.keys(creditRules);
    info(`partial credit: ${ids.length > 0 ? ids.join(', ') : 'no task of the dataset declares a rule'}; other tasks exact match`);
  }

  let resumed: LoadedCheckpoint | undefined;
  if (o.resume) {
    resumed = await loadCheckpoint(files.checkpoint, { training: true });
    checkSameArchitecture(config, resumed.config, files.checkpoint, 'the run checkpoint');
  } else if (await exists(files.checkpoint)) {
    throw new ModelError('bad-config', `${o.out} already holds a checkpoint; resume it or choose another output folder`);
  }
  const identity = identityOf(o, init.sha256, ref.sha256, train.length);
  const saved = resumed?.training?.state as { identity?: unknown; klCoef?: number; adamStep?: number } | undefined;
  const differs = resumed ? identityDiff(saved?.identity, identity) : [];
  if (differs.length > 0) {
    throw new ModelError(
      'bad-config',
      `${files.checkpoint} was trained with other settings (init, reference, data or GRPO options; differs: ${differs.join('; ')}); resume with the same ones`,
    );
  }
  await mkdir(o.out, { recursive: true });
  const cacheFile = path.join(o.out, `image-cache-${config.imageSize}.bin`);
  if (await seedImageCache(o.init, cacheFile)) info(`image cache: reusing ${path.join(o.init, path.basename(cacheFile))}`);
  const cache = await buildImageCache(dataset, config.imageSize, { file: cacheFile, onProgress: hooks.onCacheProgress });

  const weights = new Map([...(resumed ? resumed.weights : init.weights)].map(([name, values]) => [name, Float32Array.from(values)]));
  const specs = paramSpecs(config);
  const optimizer: OptimizerConfig = optimizerConfig.parse({
    lr: o.lr,
    warmupSteps: o.warmupSteps,
    minLrRatio: 1,
    totalSteps: 1_000_000_000,
    weightDecay: o.weightDecay,
    clipNorm: o.clipNorm,
  });
  const adam = new AdamW(specs, optimizer);
  if (resumed?.training) adam.loadMoments(resumed.training.moments, saved?.adamStep ?? 0);
  const klCoef0 = saved?.klCoef ?? o.klCoef;
  const kl: KlController =
    o.klController === 'adaptive'
      ? createAdaptiveKlController({ initKlCoef: klCoef0, targetKl: o.klTarget, horizon: o.klHorizon })
      : createFixedKlController(klCoef0);
  let step = resumed?.step ?? 0;
  // A resumed run takes its length from the new options (a time budget is planned afresh).
  let totalSteps = o.steps ?? 0;
  const metrics: GrpoMetricsLine[] = resumed ? await truncateJsonLines<GrpoMetricsLine>(files.metrics, step) : [];
  if (resumed) await truncateJsonLines(files.rollouts, step);
  else await Promise.all([writeFile(files.metrics, ''), writeFile(files.rollouts, '')]);
  await writeFileAtomic(
    files.config,
    JSON.stringify({ options: { ...o, threads: parsed.threads }, threads: o.threads, backend, init: init.dir, reference: ref.dir, config, trainPrompts: train.length }, null, 2),
  );
  if (resumed) info(`resumed from step ${step}`);
  const miniBatch = o.miniBatchSize ?? o.promptsPerStep;
  const title = `GRPO (${countParameters(config).toLocaleString('en-US')} parameters): ${o.promptsPerStep} prompts × ${o.groupSize}, lr ${o.lr}`;

  const firstEval = metrics.find((l): l is GrpoEvalLine => l.type === 'eval' && l.step === 0);
  let initialEval = firstEval?.report;
  let lastEval: EvalReport | undefined;
  const evaluate = async (): Promise<void> => {
    if (test.length === 0) return;
    lastEval = evaluateExamples(policy, config, test, cache, { maxTokens });
    if (step === 0) initialEval = lastEval;
    const line: GrpoEvalLine = { type: 'eval', step, elapsedSec: elapsed(), report: lastEval };
    metrics.push(line);
    await appendJsonLine(files.metrics, line);
    await writeRewardCurve(files, metrics, title);
    hooks.onEval?.(step, lastEval);
  };
  const save = async (): Promise<void> => {
    await saveCheckpoint(files.checkpoint, config, weights, {
      step,
      metadata: { kind: 'grpo', init: init.dir, reference: ref.dir, data: path.resolve(o.data), trainedSteps: step, eval: lastEval },
      training: { state: { identity, totalSteps, klCoef: kl.value, adamStep: adam.step, seed: o.seed }, moments: adam.saveMoments() },
    });
  };

  const deadline = o.minutes !== undefined ? o.minutes * 60 : Infinity;
  const stepTimes: number[] = [];
  let stopped: GrpoResult['stopped'] = 'steps';
  const policy = PolicyModel.fromWeights(config, weights, { trainable: true, source: init.dir });
  const reference = PolicyModel.fromWeights(ref.config, ref.weights, { trainable: false, source: ref.dir });
  let version = 0;
  const current = (): { version: number; weights: Map<string, Float32Array> } => ({ version, weights });
  // The replica starts while the first evaluation runs.
  const replica =
    o.threads === 2
      ? PolicyReplica.start(entry, { backend, config, weights: current(), refConfig: ref.config, refWeights: ref.weights, cache, stage: 'GRPO' })
      : undefined;
  replica?.catch(() => {});
  try {
    if (step === 0 && !resumed) await evaluate();
    const local = { policy, reference, config, cache };
    const compute: StepCompute = replica ? splitCompute(local, await replica, current) : localCompute(local);
    if (replica) info(`threads: 2 (a policy replica in a worker thread computes half of each step)`);
    while (true) {
      if (o.steps === undefined && totalSteps === 0 && stepTimes.length >= 3) {
        // A time budget: plan the step count once the speed is known (evaluations included).
        const perStep = mean(stepTimes.slice(1));
        totalSteps = step + Math.max(1, Math.floor(((deadline - elapsed()) * 0.95) / perStep));
        info(`time budget: about ${totalSteps} steps (${perStep.toFixed(1)} s per step)`);
      }
      if (totalSteps > 0 && step >= totalSteps) break;
      if (elapsed() >= deadline) {
        stopped = 'time';
        break;
      }
      if (hooks.signal?.aborted) {
        stopped = 'aborted';
        break;
      }
      const t0 = now();
      const prompts = plan.batchAt(step).map((i) => train[i]);
      const rollouts = await compute.rollouts(prompts, {
        groupSize: o.groupSize,
        temperature: o.temperature,
        topP: o.topP,
        grader: o.grader,
        partialCredit: creditRules,
        formatWeight: o.formatWeight,
        overlongBuffer: o.overlongBuffer,
        overlongPenalty: o.overlongPenalty,
        maxTokens,
        seed: hashKey(o.seed, 0x7011, step),
      });
      const t1 = now();
      const selection = selectGroups(rollouts, o);
      const beta = kl.value;
      let rolloutKl = 0;
      const updates: (UpdateMetrics & { gradNorm: number })[] = [];
      const advantageOf = new Map<Rollout, number>();
      let t2 = t1;
      let lr = learningRate(optimizer, adam.step);
      if (selection.rows.length > 0) {
        const refLogProbs = await compute.refLogProbs(selection.rows);
        const adv = rolloutAdvantages(selection.rows, refLogProbs, o, beta);
        rolloutKl = adv.rolloutKl;
        kl.update(adv.controllerKl, selection.rows.length);
        const rows: UpdateRow[] = selection.rows.map((rollout, i) => ({ rollout, advantages: adv.advantages[i], refLogProbs: refLogProbs[i] }));
        rows.forEach((r) => advantageOf.set(r.rollout, r.advantages[r.advantages.length - 1]));
        const groups = [...new Set(rows.map((r) => r.rollout.group))];
        t2 = now();
        for (let pass = 0; pass < o.ppoEpochs; pass++) {
          const order = shuffled(groups, hashKey(o.seed, 0x5e9, step, pass));
          for (let i = 0; i < order.length; i += miniBatch) {
            const chosen = new Set(order.slice(i, i + miniBatch));
            const batch = rows.filter((r) => chosen.has(r.rollout.group));
            const { grads, metrics: m } = await compute.gradients(batch, { ...o, klCoef: beta });
            const upd = adam.update(weights, grads);
            policy.writeWeights(weights);
            version++;
            updates.push({ ...m, gradNorm: upd.gradNorm });
            lr = upd.lr;
          }
        }
      }
      const t3 = now();
      step++;
      const summary = summariseRewards(rollouts);
      const avg = (pick: (m: UpdateMetrics & { gradNorm: number }) => number): number | undefined =>
        updates.length === 0 ? undefined : mean(updates.map(pick));
      const line: GrpoStepLine = {
        type: 'train',
        step,
        ...summary,
        rolloutKl,
        klCoef: beta,
        loss: avg((m) => m.loss),
        pgLoss: avg((m) => m.pgLoss),
        klLoss: avg((m) => m.klLoss),
        ppoKl: avg((m) => m.ppoKl),
        pgClipfracHigher: avg((m) => m.pgClipfracHigher),
        pgClipfracLower: avg((m) => m.pgClipfracLower),
        entropyLoss: avg((m) => m.entropyLoss),
        gradNorm: avg((m) => m.gradNorm),
        firstRatioMaxDev: updates[0]?.ratioMaxDev,
        responseLength: mean(rollouts.map((r) => r.tokens.length)),
        clippedResponses: rollouts.filter((r) => r.finishReason === 'length').length / rollouts.length,
        groupsKept: selection.keptGroups,
        groupsFiltered: selection.droppedGroups,
        updates: updates.length,
        lr,
        rolloutSec: (t1 - t0) / 1000,
        scoreSec: (t2 - t1) / 1000,
        updateSec: (t3 - t2) / 1000,
        elapsedSec: elapsed(),
      };
      metrics.push(line);
      await appendJsonLine(files.metrics, line);
      if (o.rolloutLogEvery > 0 && (step - 1) % o.rolloutLogEvery === 0) {
        await appendJsonLine(files.rollouts, rolloutLogLine(step, rollouts.slice(0, o.groupSize), advantageOf));
      }
      stepTimes.push((now() - t0) / 1000);
      const perStep = mean(stepTimes.slice(-10));
      hooks.onStep?.(
        {
          step,
          totalSteps,
          reward: line.reward.overall,
          accuracy: line.reward.accuracy,
          kl: line.klLoss ?? rolloutKl,
          rolloutSec: line.rolloutSec,
          updateSec: line.updateSec,
          elapsedSec: line.elapsedSec,
          etaSec: totalSteps > 0 ? Math.max(0, totalSteps - step) * perStep : Number.NaN,
        },
        line,
      );
      const evalNow = o.evalEvery > 0 && step % o.evalEvery === 0 && step !== totalSteps;
      if (evalNow) await evaluate();
      if (evalNow || (o.checkpointEvery > 0 && step % o.checkpointEvery === 0)) await save();
      if (step % 10 === 0) await writeRewardCurve(files, metrics, title, false);
    }
    if (stopped !== 'aborted' || o.saveOnAbort) {
      if (stopped !== 'aborted') await evaluate();
      await save();
      info(`checkpoint: ${files.checkpoint} (step ${step})`);
    }
    if (metrics.length > 0) await writeRewardCurve(files, metrics, title);
  } finally {
    await replica?.then(
      (r) => r.close(),
      () => {},
    );
    policy.dispose();
    reference.dispose();
  }
  return { step, totalSteps, stopped, initialEval, eval: lastEval, checkpoint: files.checkpoint, wallSec: elapsed() };
}

function shuffled<T>(items: readonly T[], key: number): T[] {
  const out = [...items];
  const rng = new CounterRng(key);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
