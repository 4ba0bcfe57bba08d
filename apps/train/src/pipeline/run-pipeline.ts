import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { taskAccuracyTable, findingsMarkdown } from '@spatial-ssrl/bench';
import { chanceByTask } from '@spatial-ssrl/tasks';
import { loadBackend, readCheckpointManifest } from '@spatial-ssrl/model';
import { runPaths } from '@spatial-ssrl/trainer';
import { writeFileAtomic, formatDuration, createProgress, type Progress, type ProgressStream, readDatasetManifest } from '@spatial-ssrl/spec/node';
import { dataStage, MIN_TEST_PER_TASK, type DataSummary } from './data-stage.js';
import { evaluateCheckpoint, readScoredItems, type EvaluationSummary } from './evaluate-stage.js';
import { machineInfo } from './machine.js';
import { pipelinePlan, pipelineRegistry, planDifferences, type PipelinePlan } from './plan.js';
import { RUN_LABELS, taskReportOf, writeReport, type EvaluatedRun, type ReportInput } from './report.js';
import { currentLoad, inputsHash, readStageRecord, writeStageRecord, type StageRecord } from './stage-record.js';
import { controlStage, grpoStage, PipelineInterrupted, sftStage, type StageIo } from './train-stages.js';

/** Name of the plan file at the top of a pipeline folder. */
const PIPELINE_FILE = 'pipeline.json';
const PIPELINE_FORMAT = 'spatial-ssrl-pipeline/1';

/** Stage folders of a pipeline run, in order. */
const STAGES = [
  { id: 'data', title: 'data' },
  { id: 'sft', title: 'SFT' },
  { id: 'eval-sft', title: 'evaluate SFT' },
  { id: 'grpo', title: 'GRPO' },
  { id: 'eval-grpo', title: 'evaluate SFT+GRPO' },
  { id: 'control', title: 'control: SFT continued' },
  { id: 'eval-control', title: 'evaluate SFT-continued' },
] as const;
type StageId = (typeof STAGES)[number]['id'];

/** Why a pipeline folder cannot be used. */
type PipelineErrorCode = 'out-not-empty' | 'run-exists' | 'plan-mismatch' | 'bad-pipeline-file';

/** A pipeline folder problem, with a `code` and a sentence saying what to do. */
class PipelineError extends Error {
  override readonly name = 'PipelineError';
  constructor(
    readonly code: PipelineErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Options of `runPipeline`. */
export interface PipelineOptions {
  readonly plan: PipelinePlan;
  /** Absolute pipeline folder. */
  readonly out: string;
  /** The command line as typed (for the report). */
  readonly command: string;
  /** Continue the run already in `out` (same plan). */
  readonly resume: boolean;
  /** Generation worker threads (default: all cores). */
  readonly workers?: number;
  /** Environment for the backend choice (`SSRL_BACKEND`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Progress and headers go here (stderr in the CLI). */
  readonly stream: ProgressStream;
  readonly quiet?: boolean;
  readonly signal?: AbortSignal;
}

/** What a finished pipeline produced. */
export interface PipelineResult {
  readonly report: string;
  readonly reportFile: string;
  /** The per-task table and findings, for the terminal. */
  readonly summary: string;
  /** Stages skipped because an earlier invocation completed them. */
  readonly skipped: readonly StageId[];
}

async function preparePipelineFolder(out: string, plan: PipelinePlan, resume: boolean): Promise<void> {
  const file = join(out, PIPELINE_FILE);
  if (existsSync(file)) {
    let saved: unknown;
    try {
      const json = JSON.parse(await readFile(file, 'utf8')) as { format?: unknown; plan?: unknown };
      if (json.format !== PIPELINE_FORMAT) throw new Error(`format is not ${PIPELINE_FORMAT}`);
      saved = pipelinePlan.parse(json.plan);
    } catch (err) {
      throw new PipelineError('bad-pipeline-file', `${file} is not a pipeline plan (${(err as Error).message}); choose another --out`);
    }
    if (!resume) throw new PipelineError('run-exists', `${out} already holds a pipeline run; add --resume to continue it, or choose another --out`);
    const diff = planDifferences(saved, plan);
    if (diff.length > 0) {
      throw new PipelineError('plan-mismatch', `${out} holds a run with other settings (${diff.join(', ')}); resume with the same preset, sources, data and seed, or choose another --out`);
    }
    return;
  }
  const entries = await readdir(out).catch(() => [] as string[]);
  if (entries.length > 0) throw new PipelineError('out-not-empty', `${out} is not empty and holds no ${PIPELINE_FILE}; choose a new or empty --out`);
  await mkdir(out, { recursive: true });
  await writeFileAtomic(file, JSON.stringify({ format: PIPELINE_FORMAT, plan }, null, 2) + '\n');
}

/**
 * Runs the whole Spatial-SSRL job into `out`: data → SFT → evaluate → GRPO → evaluate → control
 * (SFT continued for the plan's control steps, or GRPO's wall-clock time) → evaluate → `report.md`. Each stage writes
 * `out/<stage>/stage.json`; a completed stage with unchanged inputs is skipped on `resume`, an
 * interrupted one resumes through its own mechanism (dataset resume, checkpoint, prediction
 * cache). Throws `PipelineInterrupted` when `signal` stops it.
 */
export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const { plan, out } = options;
  const quiet = options.quiet ?? false;
  const io: StageIo = { stream: options.stream, quiet, ...(options.signal ? { signal: options.signal } : {}) };
  const write = (text: string): void => {
    if (!quiet) options.stream.write(text);
  };
  await preparePipelineFolder(out, plan, options.resume);
  const registry = await pipelineRegistry(plan.plugins);
  const total = STAGES.length + 1;
  const records = new Map<StageId, StageRecord>();
  const skipped: StageId[] = [];
  let backend: string | undefined;
  const ensureBackend = async (): Promise<string> => {
    backend ??= await loadBackend({ ...(options.env ? { env: options.env } : {}), log: quiet ? false : (m) => write(`${m}\n`) });
    return backend;
  };

  const runStage = async <R extends object>(
    id: StageId,
    inputs: unknown,
    run: (dir: string, resume: boolean, priorSec: number) => Promise<R>,
  ): Promise<R> => {
    const index = STAGES.findIndex((s) => s.id === id) + 1;
    const title = STAGES[index - 1].title;
    const dir = join(out, id);
    const hash = inputsHash(inputs);
    const previous = await readStageRecord(dir);
    if (previous?.status === 'complete' && previous.inputs === hash && previous.result) {
      write(`[${index}/${total}] ${title}: complete (${formatDuration(previous.wallSec ?? 0)}), skipped\n`);
      records.set(id, previous);
      skipped.push(id);
      return previous.result as R;
    }
    const resume = previous?.status === 'running' && previous.inputs === hash;
    if (!resume && existsSync(dir)) await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const priorSec = resume ? previous.priorSec : 0;
    write(`[${index}/${total}] ${title}${resume ? ' (resuming)' : ''} → ${dir}\n`);
    const started = performance.now();
    const base: StageRecord = {
      stage: id,
      status: 'running',
      inputs: hash,
      startedAt: resume ? previous.startedAt : new Date().toISOString(),
      loadStart: resume ? previous.loadStart : currentLoad(),
      priorSec,
    };
    await writeStageRecord(dir, base);
    let result: R;
    try {
      result = await run(dir, resume, priorSec);
    } catch (error) {
      const spent = priorSec + (performance.now() - started) / 1000;
      await writeStageRecord(dir, { ...base, priorSec: spent });
      if (options.signal?.aborted && !(error instanceof PipelineInterrupted)) throw new PipelineInterrupted(id);
      throw error;
    }
    const wallSec = priorSec + (performance.now() - started) / 1000;
    const record: StageRecord = {
      ...base,
      status: 'complete',
      finishedAt: new Date().toISOString(),
      wallSec,
      loadEnd: currentLoad(),
      result: result as Record<string, unknown>,
    };
    await writeStageRecord(dir, record);
    records.set(id, record);
    write(`${title}: done in ${formatDuration(wallSec)}\n`);
    return result;
  };

  const evalStage = async (id: StageId, runDir: string): Promise<EvaluationSummary> => {
    const checkpoint = runPaths(runDir).checkpoint;
    const sha = (await readCheckpointManifest(checkpoint)).weights.sha256;
    return runStage(id, { checkpoint: sha, data: dataInputs, evaluation: plan.evaluation }, async (dir) => {
      await ensureBackend();
      let bar: Progress | undefined;
      const summary = await evaluateCheckpoint({
        checkpoint,
        data: dataDir,
        dir,
        perTask: plan.evaluation.perTask,
        batchSize: plan.evaluation.batchSize,
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: quiet
          ? undefined
          : (p) => {
              bar ??= createProgress({ label: 'evaluate', total: p.total, stream: options.stream, unit: 'items' });
              bar.update(p.done, `${((100 * p.scoreSum) / Math.max(1, p.done)).toFixed(1)}% right`);
            },
      });
      bar?.finish(`${((100 * summary.correct) / Math.max(1, summary.n)).toFixed(1)}% right`);
      return summary;
    });
  };

  const dataDir = plan.data.kind === 'existing' ? plan.data.dir : join(out, 'data');
  const data: DataSummary = await runStage('data', { data: plan.data, seed: plan.seed }, (dir) => dataStage(plan, dir, options.workers, io));
  const thin = Object.entries(data.testByTask).filter(([, n]) => n < MIN_TEST_PER_TASK);
  if (thin.length > 0) write(`note: fewer than ${MIN_TEST_PER_TASK} test records for ${thin.map(([t, n]) => `${t} (${n})`).join(', ')}\n`);
  const dataInputs = { hash: records.get('data')!.inputs, train: data.train, test: data.test };

  const sftDir = join(out, 'sft');
  await runStage('sft', { data: dataInputs, model: plan.model, sft: plan.sft, seed: plan.seed }, async (dir, resume, prior) => {
    await ensureBackend();
    return sftStage(plan, registry, dataDir, dir, resume, prior, io);
  });
  const sftSha = (await readCheckpointManifest(runPaths(sftDir).checkpoint)).weights.sha256;
  const sftEval = await evalStage('eval-sft', sftDir);

  const grpoDir = join(out, 'grpo');
  await runStage('grpo', { data: dataInputs, init: sftSha, grpo: plan.grpo, seed: plan.seed }, async (dir, resume, prior) => {
    await ensureBackend();
    return grpoStage(plan, dataDir, sftDir, dir, resume, prior, io);
  });
  const grpoEval = await evalStage('eval-grpo', grpoDir);
  const grpoSec = records.get('grpo')!.wallSec ?? 0;

  const controlDir = join(out, 'control');
  await runStage(
    'control',
    {
      data: dataInputs,
      init: sftSha,
      control: plan.control,
      batch: plan.sft.batchSize,
      ...(plan.control.steps === undefined ? { seconds: Math.round(grpoSec * 10) / 10 } : {}),
      seed: plan.seed,
    },
    async (dir, resume, prior) => {
      await ensureBackend();
      return controlStage(plan, registry, dataDir, sftDir, dir, grpoSec, resume, prior, io);
    },
  );
  const controlEval = await evalStage('eval-control', controlDir);

  write(`[${total}/${total}] report → ${join(out, 'report.md')}\n`);
  const runs: ReportInput['runs'] = {
    sft: await evaluatedRun(RUN_LABELS.sft, sftEval, join(out, 'eval-sft')),
    grpo: await evaluatedRun(RUN_LABELS.grpo, grpoEval, join(out, 'eval-grpo')),
    control: await evaluatedRun(RUN_LABELS.control, controlEval, join(out, 'eval-control')),
  };
  const manifest = await readDatasetManifest(dataDir).catch(() => undefined);
  const chance = manifest ? chanceByTask(registry, manifest.config.tasks, runs.sft.items) : {};
  const input: ReportInput = {
    dir: out,
    command: options.command,
    plan,
    machine: machineInfo(),
    backend: backend ?? (await ensureBackend()),
    stages: STAGES.map((s) => ({ id: s.id, title: s.title, record: records.get(s.id), skipped: skipped.includes(s.id) })),
    runs,
    chance,
    curves: [
      { name: 'sft-curve', title: 'SFT: training loss and held-out accuracy', runDir: sftDir },
      { name: 'grpo-curve', title: 'GRPO: reward', runDir: grpoDir },
      { name: 'control-curve', title: 'Control (SFT continued): training loss and held-out accuracy', runDir: controlDir },
    ],
  };
  const report = await writeReport(input);
  const numbers = taskReportOf(input);
  return { report, reportFile: join(out, 'report.md'), summary: `${taskAccuracyTable(numbers)}\n${findingsMarkdown(numbers)}`, skipped };
}

async function evaluatedRun(label: string, summary: EvaluationSummary, dir: string): Promise<EvaluatedRun> {
  return { label, summary, items: await readScoredItems(dir) };
}
