import { createHash } from 'node:crypto';
import { decodeImage } from '@spatial-ssrl/image';
import { imageTokenCount } from './config.js';
import { conditionPrompt } from './conditioning.js';
import { hashKey } from './counter-rng.js';
import { ContextLengthError, ModelError, QueueFullError } from './errors.js';
import { buildEncoderFeed, type ModelInput } from './feed.js';
import { prepareImage } from './image-features.js';
import type { PolicyModel } from './model.js';
import { POLICY_SPECIFICATION_VERSION, samplingParams, type Policy, type PolicyCompletion, type PolicyRequest, type SamplingParams } from '@spatial-ssrl/spec';
import { SamplingRun, type RowSampling } from './sampling.js';

/** One request for a scheduler: a prompt with images, its own sampling settings, and optional stop texts and streaming. */
export interface GenerationJob {
  readonly request: PolicyRequest;
  readonly sampling: SamplingParams;
  /** Texts that end a sample when generated (not included in its text). */
  readonly stop?: readonly string[];
  /** Aborting it drops the job from the queue, or ends its rows in a running batch; the job rejects with the reason. */
  readonly signal?: AbortSignal;
  /** Receives each new piece of text of sample `index` as it is generated (text that may turn out to start a stop text is held back). */
  readonly onText?: (index: number, delta: string) => void;
}

/** One generated sample of a job. */
export interface GeneratedSample {
  readonly text: string;
  /** `stop` (EOS or a stop text) or `length` (the token budget ran out). */
  readonly finishReason: 'stop' | 'length';
  /** Tokens generated, EOS and stop-text tokens included. */
  readonly tokens: number;
}

/** The answer to a job: `sampling.n` samples and the prompt's size in model tokens. */
export interface GenerationResult {
  readonly id: string;
  readonly samples: readonly GeneratedSample[];
  /** Memory tokens the prompt occupies: image tokens of every image plus its conditioning tokens. */
  readonly promptTokens: number;
}

/** Options of {@link createGenerationScheduler}. */
export interface GenerationSchedulerOptions {
  /** Policy id of the scheduler's `policy`; default `spatial-ssrl-tfjs`. */
  readonly id?: string;
  /** How long the first job of an idle scheduler waits for others to share its batch, in ms (counted from its arrival); default 5. */
  readonly windowMs?: number;
  /**
   * At the end of the window, and between batches, how long the scheduler waits at most for jobs
   * that have arrived but are still being prepared (images decoding), in ms; default 25.
   */
  readonly prepareWaitMs?: number;
  /** Most output rows (jobs × `n`) in one batch; a job with more rows runs alone. Default 64. 1 serves one job at a time. */
  readonly maxBatchRows?: number;
  /** Most rows `submit` lets wait (queued or being prepared); more is a {@link QueueFullError}. Default unbounded. */
  readonly maxQueueRows?: number;
  /** Largest image `submit` decodes, in pixels; default 100,000,000. */
  readonly maxImagePixels?: number;
  /** Starts a timer (injectable for tests); default `setTimeout`. */
  readonly setTimer?: (run: () => void, ms: number) => unknown;
}

/** Load counters of a scheduler. */
export interface SchedulerStats {
  /** Jobs waiting for a batch (prepared) and being prepared (images decoding). */
  readonly queued: number;
  readonly preparing: number;
  /** Rows of the batch running now (0 when idle). */
  readonly runningRows: number;
  readonly batches: number;
  /** Output rows run so far, over all batches. */
  readonly rows: number;
  /** Tokens generated so far. */
  readonly tokens: number;
  /** Jobs answered so far. */
  readonly completed: number;
}

/** A batching front of one model: jobs submitted within a short window share one sampler batch. */
export interface GenerationScheduler {
  /** Prepares the job (decodes its images), queues it and resolves with its samples; bad input rejects with a `ModelError` (`bad-input`). */
  submit(job: GenerationJob): Promise<GenerationResult>;
  /** The same scheduler behind the `Policy` contract (one sampling setting per call; failures become per-request errors). */
  readonly policy: Policy;
  stats(): SchedulerStats;
  /** Refuses new jobs (`ModelError` `shut-down`) and resolves once every accepted job has been answered. */
  close(): Promise<void>;
}

interface Entry {
  readonly job: GenerationJob;
  readonly input: ModelInput;
  readonly rows: readonly RowSampling[];
  readonly rowKeys: readonly number[];
  readonly promptTokens: number;
  readonly resolve: (r: GenerationResult) => void;
  readonly reject: (e: unknown) => void;
  /** Characters of each sample's text already handed to `onText`. */
  readonly emitted: number[];
  settled: boolean;
  aborted: boolean;
  unlisten?: () => void;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('generation aborted', 'AbortError');
}

/**
 * The key of a request's random streams: the first 32 bits of the SHA-256 of its prompt text and
 * image bytes in the order the prompt places them (`<image>` takes the next image, `<imageK>`
 * image K), so the same question sent as a `Policy` request or rebuilt from an OpenAI chat
 * message gets the same key.
 */
export function requestKey(prompt: string, images: readonly { readonly data: Uint8Array }[]): number {
  const hash = createHash('sha256');
  const part = (kind: number, bytes: Uint8Array): void => {
    const head = Buffer.alloc(5);
    head[0] = kind;
    head.writeUInt32LE(bytes.length, 1);
    hash.update(head).update(bytes);
  };
  let last = 0;
  let next = 0;
  for (const m of prompt.matchAll(/<image(\d*)>/g)) {
    part(0, Buffer.from(prompt.slice(last, m.index), 'utf8'));
    const k = m[1] ? Number(m[1]) - 1 : next++;
    part(1, images[k]?.data ?? new Uint8Array(0));
    last = m.index + m[0].length;
  }
  part(0, Buffer.from(prompt.slice(last), 'utf8'));
  return hash.digest().readUInt32LE(0);
}

/** Validates sampling settings against the contract's schema, throwing `ModelError` (`bad-input`) naming the field. */
function checkSampling(s: SamplingParams): void {
  const parsed = samplingParams.safeParse(s);
  if (parsed.success) return;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  throw new ModelError('bad-input', `${field} ${issue.message}, got ${String((s as unknown as Record<string, unknown>)[field])}`);
}

/**
 * Serves one model to many concurrent callers with dynamic batching: a job is prepared when
 * submitted (images decoded and resized, prompt conditioned), then waits up to `windowMs` for
 * others; jobs with the same number of images run together, up to `maxBatchRows` output rows,
 * decoded one token step at a time with the event loop free between steps (streamed text, new
 * requests and aborts are handled while a batch runs). Each sample draws from its own random
 * stream keyed by `(seed, requestKey, sample index)` and every row is padded to the model's full
 * conditioning length, so a sample is bit-for-bit the same whatever else shares its batch.
 */
export function createGenerationScheduler(model: PolicyModel, options: GenerationSchedulerOptions = {}): GenerationScheduler {
  const config = model.config;
  const windowMs = options.windowMs ?? 5;
  const prepareWaitMs = options.prepareWaitMs ?? 25;
  const maxBatchRows = options.maxBatchRows ?? 64;
  const maxQueueRows = options.maxQueueRows ?? Infinity;
  const maxImagePixels = options.maxImagePixels;
  const setTimer = options.setTimer ?? ((run: () => void, ms: number) => setTimeout(run, ms));
  if (!(Number.isInteger(maxBatchRows) && maxBatchRows >= 1)) throw new ModelError('bad-config', `maxBatchRows must be a positive integer, got ${maxBatchRows}`);
  if (!(windowMs >= 0)) throw new ModelError('bad-config', `windowMs must be ≥ 0, got ${windowMs}`);

  const queue: Entry[] = [];
  // Removes the abort listener of a group of entries that share a signal.
  const listeners = new Map<Set<Entry>, () => void>();
  let preparingRows = 0;
  let preparing = 0;
  // `window`: the first job's window is open; `prepare`: it has closed and jobs still being prepared are awaited.
  let gathering: 'idle' | 'window' | 'prepare' = 'idle';
  let prepared: (() => void)[] = [];
  let running = false;
  let runningRows = 0;
  let closed = false;
  let batchMsAverage = 0;
  const totals = { batches: 0, rows: 0, tokens: 0, completed: 0 };
  let idle: (() => void)[] = [];

  const queuedRows = (): number => queue.reduce((n, e) => n + e.rows.length, 0);

  async function prepare(request: PolicyRequest): Promise<{ input: ModelInput; promptTokens: number }> {
    if (request.images.length > config.maxImages) {
      throw new ModelError('bad-input', `${request.images.length} images, the model takes at most ${config.maxImages}`);
    }
    const images = [];
    for (const img of request.images) {
      images.push(prepareImage(await decodeImage(img.data, maxImagePixels ? { maxPixels: maxImagePixels } : {}), config.imageSize));
    }
    const condition = conditionPrompt(request.prompt, { task: request.task, variant: request.variant, imageCount: images.length }).ids;
    if (condition.length > config.maxPromptTokens) throw new ContextLengthError('the prompt conditioning', condition.length, config.maxPromptTokens);
    return { input: { images, condition }, promptTokens: images.length * imageTokenCount(config) + condition.length };
  }

  function entryFor(job: GenerationJob, prepared: { input: ModelInput; promptTokens: number }, resolve: Entry['resolve'], reject: Entry['reject']): Entry {
    const { sampling } = job;
    const key = requestKey(job.request.prompt, job.request.images);
    const row: RowSampling = { temperature: sampling.temperature, topP: sampling.topP, maxTokens: sampling.maxTokens, seed: sampling.seed, stop: job.stop };
    return {
      job,
      input: prepared.input,
      rows: Array.from({ length: sampling.n }, () => row),
      rowKeys: Array.from({ length: sampling.n }, (_, j) => hashKey(key, j)),
      promptTokens: prepared.promptTokens,
      resolve,
      reject,
      emitted: new Array(sampling.n).fill(0),
      settled: false,
      aborted: false,
    };
  }

  function settle(entry: Entry, outcome: { value: GenerationResult } | { error: unknown }): void {
    if (entry.settled) return;
    entry.settled = true;
    entry.unlisten?.();
    if ('value' in outcome) {
      totals.completed++;
      entry.resolve(outcome.value);
    } else entry.reject(outcome.error);
  }

  function enqueue(entries: readonly Entry[]): void {
    // One abort listener per signal and call, shared by its entries (a batch of prompts under one
    // signal would otherwise add a listener per prompt); it goes when the last of them settles.
    const bySignal = new Map<AbortSignal, Set<Entry>>();
    for (const entry of entries) {
      const signal = entry.job.signal;
      if (signal?.aborted) {
        settle(entry, { error: abortReason(signal) });
        continue;
      }
      if (signal) {
        let group = bySignal.get(signal);
        if (!group) {
          const members = new Set<Entry>();
          group = members;
          bySignal.set(signal, members);
          const onAbort = (): void => {
            let removed = false;
            for (const member of [...members]) {
              member.aborted = true;
              const at = queue.indexOf(member);
              if (at !== -1) {
                queue.splice(at, 1);
                settle(member, { error: abortReason(signal) });
                removed = true;
              }
            }
            if (removed) notifyIdle();
          };
          signal.addEventListener('abort', onAbort, { once: true });
          listeners.set(members, () => signal.removeEventListener('abort', onAbort));
        }
        const members = group;
        members.add(entry);
        entry.unlisten = () => {
          members.delete(entry);
          if (members.size === 0) {
            listeners.get(members)?.();
            listeners.delete(members);
          }
        };
      }
      queue.push(entry);
    }
    if (queue.length > 0) arm();
  }

  function arm(): void {
    if (running || gathering !== 'idle') return;
    gathering = 'window';
    setTimer(() => {
      if (gathering !== 'window') return;
      if (preparing === 0) return launch();
      gathering = 'prepare';
      setTimer(() => {
        if (gathering === 'prepare') launch();
      }, prepareWaitMs);
    }, windowMs);
  }

  function launch(): void {
    gathering = 'idle';
    void drainQueue();
  }

  // Called whenever a job has finished preparing (queued or failed).
  function preparedOne(): void {
    if (preparing > 0) return;
    if (gathering === 'prepare') launch();
    const waiting = prepared;
    prepared = [];
    for (const w of waiting) w();
    notifyIdle();
  }

  /** Resolves once no job is being prepared, or after `prepareWaitMs`. */
  function awaitPrepared(): Promise<void> {
    if (preparing === 0) return Promise.resolve();
    return new Promise((resolve) => {
      prepared.push(resolve);
      setTimer(resolve, prepareWaitMs);
    });
  }

  function takeBatch(): Entry[] {
    const images = queue[0].input.images.length;
    const batch: Entry[] = [];
    let rows = 0;
    for (let i = 0; i < queue.length; ) {
      const e = queue[i];
      if (e.input.images.length === images && (batch.length === 0 || rows + e.rows.length <= maxBatchRows)) {
        batch.push(e);
        rows += e.rows.length;
        queue.splice(i, 1);
        if (rows >= maxBatchRows) break;
      } else i++;
    }
    return batch;
  }

  // Hands new text of each changed or finished row to `onText`, holding back a tail that could
  // still become a stop text.
  function emit(run: SamplingRun, batch: readonly Entry[], firstRow: readonly number[], rows: Iterable<number>): void {
    for (const r of rows) {
      const b = entryOfRow(firstRow, r);
      const entry = batch[b];
      if (!entry.job.onText || entry.settled) continue;
      const j = r - firstRow[b];
      const text = run.text(r);
      const safe = run.finished(r) ? text.length : text.length - heldBack(text, entry.job.stop);
      if (safe > entry.emitted[j]) {
        entry.job.onText(j, text.slice(entry.emitted[j], safe));
        entry.emitted[j] = safe;
      }
    }
  }

  async function runBatch(batch: Entry[]): Promise<void> {
    const firstRow: number[] = [];
    let rows = 0;
    for (const e of batch) {
      firstRow.push(rows);
      rows += e.rows.length;
    }
    runningRows = rows;
    totals.batches++;
    totals.rows += rows;
    const started = Date.now();
    let run: SamplingRun | undefined;
    try {
      const feed = buildEncoderFeed(
        config,
        batch.map((e) => e.input),
        { conditionLength: config.maxPromptTokens },
      );
      run = new SamplingRun(model, feed, {
        temperature: 0,
        topP: 1,
        maxTokens: config.maxAnswerTokens,
        seed: 0,
        samplesPerInput: batch.map((e) => e.rows.length),
        rowKeys: batch.flatMap((e) => e.rowKeys),
        rows: batch.flatMap((e) => e.rows),
      });
      const wasDone = new Uint8Array(rows);
      while (!run.done) {
        batch.forEach((e, b) => {
          if (e.aborted) for (let j = 0; j < e.rows.length; j++) run!.abort(firstRow[b] + j);
        });
        const changed = new Set(run.step());
        for (let r = 0; r < rows; r++) {
          if (!wasDone[r] && run.finished(r)) {
            wasDone[r] = 1;
            changed.add(r);
          }
        }
        emit(run, batch, firstRow, changed);
        batch.forEach((e, b) => finishEntry(run!, e, firstRow[b]));
        // Let I/O, timers and aborts run between token steps.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      for (const e of batch) settle(e, { error });
    } finally {
      if (run) for (let r = 0; r < rows; r++) totals.tokens += run.sequence(r).tokens.length;
      run?.dispose();
      runningRows = 0;
      const ms = Date.now() - started;
      batchMsAverage = batchMsAverage === 0 ? ms : 0.8 * batchMsAverage + 0.2 * ms;
    }
  }

  function finishEntry(run: SamplingRun, entry: Entry, first: number): void {
    if (entry.settled) return;
    if (entry.aborted && entry.job.signal) {
      settle(entry, { error: abortReason(entry.job.signal) });
      return;
    }
    for (let j = 0; j < entry.rows.length; j++) if (!run.finished(first + j)) return;
    const samples = entry.rows.map((_, j) => {
      const seq = run.sequence(first + j);
      return { text: seq.text, finishReason: seq.finishReason, tokens: seq.tokens.length };
    });
    settle(entry, { value: { id: entry.job.request.id, samples, promptTokens: entry.promptTokens } });
  }

  async function drainQueue(): Promise<void> {
    if (running) return;
    running = true;
    try {
      while (queue.length > 0) {
        await runBatch(takeBatch());
        // Jobs of clients answered during the batch are arriving: let them join the next one.
        await awaitPrepared();
      }
    } finally {
      running = false;
      notifyIdle();
    }
  }

  function notifyIdle(): void {
    if (running || gathering !== 'idle' || preparing > 0 || queue.length > 0) return;
    const waiting = idle;
    idle = [];
    for (const w of waiting) w();
  }

  function retryAfterMs(): number {
    const batchesAhead = Math.ceil((queuedRows() + preparingRows) / maxBatchRows) + (running ? 1 : 0);
    return Math.max(1000, Math.round(batchesAhead * Math.max(batchMsAverage, 1)));
  }

  async function submit(job: GenerationJob): Promise<GenerationResult> {
    if (closed) throw new ModelError('shut-down', 'the scheduler is shutting down and takes no new requests');
    checkSampling(job.sampling);
    const rows = job.sampling.n;
    if (queuedRows() + preparingRows + rows > maxQueueRows) {
      throw new QueueFullError(`the queue is full (${queuedRows() + preparingRows} of ${maxQueueRows} rows waiting); retry later`, retryAfterMs());
    }
    preparingRows += rows;
    preparing++;
    arm();
    let ready: { input: ModelInput; promptTokens: number };
    try {
      ready = await prepare(job.request);
    } catch (error) {
      preparingRows -= rows;
      preparing--;
      preparedOne();
      if (error instanceof ModelError) throw error;
      throw new ModelError('bad-input', (error as Error)?.message ?? String(error), { cause: error });
    }
    return new Promise<GenerationResult>((resolve, reject) => {
      enqueue([entryFor(job, ready, resolve, reject)]);
      preparingRows -= rows;
      preparing--;
      preparedOne();
    });
  }

  const policy: Policy = {
    specificationVersion: POLICY_SPECIFICATION_VERSION,
    id: options.id ?? 'spatial-ssrl-tfjs',
    async generate(requests, sampling, opts = {}) {
      checkSampling(sampling);
      const { signal } = opts;
      const results: PolicyCompletion[] = new Array(requests.length);
      const finish = (i: number, c: PolicyCompletion): void => {
        results[i] = c;
        opts.onResult?.(c);
      };
      const entries: Entry[] = [];
      const pending: Promise<void>[] = [];
      for (let i = 0; i < requests.length; i++) {
        signal?.throwIfAborted();
        const request = requests[i];
        let prepared;
        try {
          prepared = await prepare(request);
        } catch (error) {
          finish(i, { id: request.id, outputs: [], error: error instanceof Error ? error.message : String(error) });
          continue;
        }
        pending.push(
          new Promise<void>((resolve, reject) => {
            entries.push(
              entryFor({ request, sampling, signal }, prepared, (r) => {
                finish(i, { id: r.id, outputs: r.samples.map((s) => ({ text: s.text, finishReason: s.finishReason })) });
                resolve();
              }, reject),
            );
          }),
        );
      }
      signal?.throwIfAborted();
      enqueue(entries);
      await Promise.all(pending);
      return results;
    },
  };

  return {
    submit,
    policy,
    stats: () => ({ queued: queue.length, preparing, runningRows, ...totals }),
    close() {
      closed = true;
      return new Promise<void>((resolve) => {
        idle.push(resolve);
        notifyIdle();
      });
    },
  };
}

function entryOfRow(firstRow: readonly number[], r: number): number {
  let b = 0;
  while (b + 1 < firstRow.length && firstRow[b + 1] <= r) b++;
  return b;
}

// Length of the longest tail of `text` that is a proper prefix of a stop text.
function heldBack(text: string, stops: readonly string[] | undefined): number {
  let hold = 0;
  for (const stop of stops ?? []) {
    for (let k = Math.min(stop.length - 1, text.length); k > hold; k--) {
      if (text.endsWith(stop.slice(0, k))) {
        hold = k;
        break;
      }
    }
  }
  return hold;
}
