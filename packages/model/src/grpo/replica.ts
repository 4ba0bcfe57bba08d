import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { ModelConfig } from '../config.js';
import { ModelError, type ModelErrorCode } from '../errors.js';
import type { TrainExample } from '../sft/batching.js';
import type { ImageCache } from '../sft/dataset.js';
import type { LossSettings, MiniBatchTotals, UpdateMetrics, UpdateRow } from './policy-update.js';
import { flattenWeights, type ReplicaInit, type ReplicaReply, type ReplicaRequest } from './replica-protocol.js';
import type { Rollout, RolloutSettings } from './rollout.js';

/** The GRPO policy replica (its worker thread) failed; `code` is the worker's own `ModelError` code when it threw one. */
export class ReplicaError extends ModelError {
  override readonly name = 'ReplicaError';
}

/** Policy weights and a counter that changes whenever they do (the replica is sent them only then). */
export interface VersionedWeights {
  readonly version: number;
  readonly weights: ReadonlyMap<string, Float32Array>;
}

/** What `PolicyReplica.start` needs. */
export interface ReplicaStart {
  readonly backend: string;
  readonly config: ModelConfig;
  readonly weights: VersionedWeights;
  readonly refConfig: ModelConfig;
  readonly refWeights: ReadonlyMap<string, Float32Array>;
  readonly cache: ImageCache;
  /** Memory limits of the worker thread (Node `resourceLimits`). */
  readonly resourceLimits?: ResourceLimits;
}

const MODEL_CODES: readonly ModelErrorCode[] = [
  'bad-config',
  'bad-input',
  'context-overflow',
  'checkpoint-missing',
  'checkpoint-corrupt',
  'weights-mismatch',
  'dataset-invalid',
  'image-missing',
  'backend-unavailable',
  'worker-failed',
];

function codeOf(code: string | undefined): ModelErrorCode {
  return MODEL_CODES.find((c) => c === code) ?? 'worker-failed';
}

/**
 * The main thread's handle on a worker thread holding copies of the policy and the frozen
 * reference. Requests run one after another in the worker, while the main thread computes its
 * own share; the image cache is shared, policy weights are sent only when their version changed.
 * A worker that throws, crashes or exits rejects every pending and later request with a
 * `ReplicaError`.
 */
export class PolicyReplica {
  private readonly pending = new Map<number, { resolve(reply: ReplicaReply): void; reject(err: Error): void }>();
  private nextId = 0;
  private sentVersion: number;
  private failure: ReplicaError | undefined;
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    private readonly config: ModelConfig,
    version: number,
  ) {
    this.sentVersion = version;
  }

  /** Starts the worker from `entry` (the built `replica-worker.js`) and waits until its models are built. */
  static async start(entry: URL, init: ReplicaStart): Promise<PolicyReplica> {
    const data: ReplicaInit = {
      backend: init.backend,
      config: init.config,
      weights: flattenWeights(init.config, init.weights.weights),
      refConfig: init.refConfig,
      refWeights: flattenWeights(init.refConfig, init.refWeights),
      cache: { size: init.cache.size, data: init.cache.data, slots: [...init.cache.slots] },
    };
    const worker = new Worker(entry, {
      workerData: data,
      transferList: [data.weights.buffer as ArrayBuffer, data.refWeights.buffer as ArrayBuffer],
      execArgv: workerExecArgv(process.execArgv),
      resourceLimits: init.resourceLimits,
    });
    const replica = new PolicyReplica(worker, init.config, init.weights.version);
    await new Promise<void>((resolve, reject) => {
      let started = false;
      worker.on('message', (reply: ReplicaReply) => {
        if (reply.type === 'ready') {
          started = true;
          resolve();
        } else if (reply.type === 'error' && reply.id === undefined) {
          const err = new ReplicaError(codeOf(reply.code), `the GRPO policy replica (worker thread) failed to start: ${reply.name}: ${reply.message}`);
          replica.fail(err);
          if (!started) reject(err);
        } else {
          replica.settle(reply);
        }
      });
      const crash = (what: string, cause?: unknown): void => {
        const err = new ReplicaError('worker-failed', `the GRPO policy replica (worker thread) ${started ? 'failed' : 'failed to start'}: ${what}`, { cause });
        replica.fail(err);
        if (!started) reject(err);
      };
      worker.on('error', (err) => crash(err instanceof Error ? `${err.name}: ${err.message}` : String(err), err));
      worker.on('exit', (code) => {
        if (!replica.closed) crash(`the thread exited with code ${code}`);
      });
    }).catch(async (err: unknown) => {
      await replica.close();
      throw err;
    });
    return replica;
  }

  /** Samples the rollouts of `prompts` (give `settings.groupIds`) with the policy at `weights`. */
  async rollouts(prompts: readonly TrainExample[], settings: RolloutSettings, weights: VersionedWeights): Promise<Rollout[]> {
    const reply = await this.request({ id: 0, type: 'rollouts', prompts, settings, weights: this.weightsFor(weights) }, 'sampling rollouts');
    if (reply.type !== 'rollouts') throw this.unexpected(reply);
    const byGroup = new Map((settings.groupIds ?? prompts.map((_, k) => k)).map((g, k) => [g, prompts[k]]));
    return reply.rollouts.map((r) => ({ ...r, example: byGroup.get(r.group)! }));
  }

  /** Log-probabilities of `rollouts` under the reference policy (see `sequenceLogProbs`). */
  async refLogProbs(rollouts: readonly Rollout[]): Promise<number[][]> {
    const reply = await this.request({ id: 0, type: 'ref-log-probs', rollouts }, 'computing reference log-probabilities');
    if (reply.type !== 'ref-log-probs') throw this.unexpected(reply);
    return reply.logProbs;
  }

  /** `policyGradients` of `rows`, a part of a mini-batch of size `totals`, with the policy at `weights`. */
  async gradients(
    rows: readonly UpdateRow[],
    settings: LossSettings,
    totals: MiniBatchTotals,
    weights: VersionedWeights,
  ): Promise<{ grads: Map<string, Float32Array>; metrics: UpdateMetrics }> {
    const reply = await this.request({ id: 0, type: 'gradients', rows, settings, totals, weights: this.weightsFor(weights) }, 'computing gradients');
    if (reply.type !== 'gradients') throw this.unexpected(reply);
    return { grads: new Map(reply.grads), metrics: reply.metrics };
  }

  /** Stops the worker; pending requests are rejected. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fail(new ReplicaError('bad-input', 'the GRPO policy replica was closed'));
    await this.worker.terminate();
  }

  private weightsFor(w: VersionedWeights): Float32Array | undefined {
    if (w.version === this.sentVersion) return undefined;
    this.sentVersion = w.version;
    return flattenWeights(this.config, w.weights);
  }

  private request(req: ReplicaRequest, what: string): Promise<ReplicaReply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = ++this.nextId;
    const message = { ...req, id };
    const weights = 'weights' in message ? message.weights : undefined;
    return new Promise<ReplicaReply>((resolve, reject) => {
      this.pending.set(id, {
        resolve: (reply) => {
          if (reply.type === 'error') {
            reject(new ReplicaError(codeOf(reply.code), `the GRPO policy replica (worker thread) failed while ${what}: ${reply.name}: ${reply.message}`));
          } else resolve(reply);
        },
        reject,
      });
      this.worker.postMessage(message, weights ? [weights.buffer as ArrayBuffer] : []);
    }).finally(() => this.pending.delete(id));
  }

  private settle(reply: ReplicaReply): void {
    if (!('id' in reply) || reply.id === undefined) return;
    this.pending.get(reply.id)?.resolve(reply);
  }

  private fail(err: ReplicaError): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private unexpected(reply: ReplicaReply): ReplicaError {
    return new ReplicaError('worker-failed', `the GRPO policy replica (worker thread) sent an unexpected ${reply.type} reply`);
  }
}

/**
 * The parent's Node flags minus custom export conditions: the worker entry is built JavaScript
 * and must resolve workspace packages to their built files, even when the parent runs with a
 * source condition (as test runners do).
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    if (arg === '--conditions' || arg === '-C') {
      i++;
      continue;
    }
    if (arg.startsWith('--conditions=') || (arg.startsWith('-C') && arg.length > 2)) continue;
    out.push(arg);
  }
  return out;
}
