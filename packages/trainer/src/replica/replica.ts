import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { startWorker, type WorkerHandle } from '@spatial-ssrl/spec/node';
import { ModelError, type ModelConfig, type ModelErrorCode } from '@spatial-ssrl/model';
import type { ImageCache } from '../sft/dataset.js';
import type { ReplicaJob } from './job.js';
import { flattenWeights, type ReplicaInit, type ReplicaReply, type ReplicaRequest } from './protocol.js';

/** A policy replica (its worker thread) failed; `code` is the worker's own `ModelError` code when it threw one. */
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
  /** A frozen reference policy (GRPO's), for jobs that need one. */
  readonly refConfig?: ModelConfig;
  readonly refWeights?: ReadonlyMap<string, Float32Array>;
  readonly cache: ImageCache;
  /** The training stage named in error messages (`the <stage> policy replica …`), e.g. `SFT`. */
  readonly stage: string;
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
  'corrupt-dataset',
  'image-missing',
  'backend-unavailable',
  'worker-failed',
];

function codeOf(code: string | undefined): ModelErrorCode {
  return MODEL_CODES.find((c) => c === code) ?? 'worker-failed';
}

/**
 * The main thread's handle on a worker thread holding a copy of the policy (and, for GRPO, of the
 * frozen reference). It knows only weights and jobs: each request names a job the worker entry
 * registered (see `serveReplica`), and requests run one after another in the worker while the
 * main thread computes its own share; the image cache is shared, policy weights are sent only when their
 * version changed. A worker that throws, crashes or exits rejects every pending and later request
 * with a `ReplicaError`.
 */
export class PolicyReplica {
  private readonly pending = new Map<number, { resolve(reply: ReplicaReply): void; reject(err: Error): void }>();
  private nextId = 0;
  private sentVersion: number;
  private failure: ReplicaError | undefined;

  private constructor(
    private readonly handle: WorkerHandle,
    private readonly config: ModelConfig,
    version: number,
    private readonly label: string,
  ) {
    this.sentVersion = version;
  }

  /** Starts the worker from `entry` (the built `replica-worker.js`, which registers the jobs) and waits until its models are built. */
  static async start(entry: URL, init: ReplicaStart): Promise<PolicyReplica> {
    const data: ReplicaInit = {
      backend: init.backend,
      config: init.config,
      weights: flattenWeights(init.config, init.weights.weights),
      refConfig: init.refConfig,
      refWeights: init.refConfig && init.refWeights ? flattenWeights(init.refConfig, init.refWeights) : undefined,
      cache: { size: init.cache.size, data: init.cache.data, slots: [...init.cache.slots] },
    };
    const label = `the ${init.stage} policy replica (worker thread)`;
    const describe = (err: Error): string => (err.name === 'Error' ? err.message : `${err.name}: ${err.message}`);
    let replica: PolicyReplica | undefined;
    const handle = await startWorker<ReplicaReply>(entry, {
      workerData: data,
      transferList: [data.weights.buffer as ArrayBuffer, ...(data.refWeights ? [data.refWeights.buffer as ArrayBuffer] : [])],
      ...(init.resourceLimits ? { resourceLimits: init.resourceLimits } : {}),
      startFailure: (reply) =>
        reply.type === 'error' && reply.id === undefined ? new ReplicaError(codeOf(reply.code), `${label} failed to start: ${reply.name}: ${reply.message}`) : undefined,
      onMessage: (reply) => {
        if (reply.type === 'error' && reply.id === undefined) replica?.fail(new ReplicaError(codeOf(reply.code), `${label} failed: ${reply.name}: ${reply.message}`));
        else replica?.settle(reply);
      },
      onFailure: (err) => replica?.fail(new ReplicaError('worker-failed', `${label} failed: ${describe(err)}`, { cause: err })),
    }).catch((err: Error) => {
      throw err instanceof ReplicaError ? err : new ReplicaError('worker-failed', `${label} failed to start: ${describe(err)}`, { cause: err });
    });
    replica = new PolicyReplica(handle, init.config, init.weights.version, label);
    return replica;
  }

  /**
   * Runs `job` on `payload` in the worker and resolves with its result; with `weights`, the
   * worker's policy is set to them first (sent only when their version changed). The job must be
   * registered in the worker entry the replica was started from.
   */
  async run<P, R>(job: ReplicaJob<P, R>, payload: P, weights?: VersionedWeights): Promise<R> {
    const reply = await this.request({ id: 0, job: job.name, payload, weights: weights ? this.weightsFor(weights) : undefined }, job.what);
    if (reply.type !== 'result') throw this.unexpected(reply);
    return reply.result as R;
  }

  /** Stops the worker; pending requests are rejected. Safe to call twice. */
  async close(): Promise<void> {
    if (this.handle.closed) return;
    this.fail(new ReplicaError('bad-input', `${this.label} was closed`));
    await this.handle.close();
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
    const weights = message.weights;
    return new Promise<ReplicaReply>((resolve, reject) => {
      this.pending.set(id, {
        resolve: (reply) => {
          if (reply.type === 'error') {
            reject(new ReplicaError(codeOf(reply.code), `${this.label} failed while ${what}: ${reply.name}: ${reply.message}`));
          } else resolve(reply);
        },
        reject,
      });
      this.handle.post(message, weights ? [weights.buffer as ArrayBuffer] : []);
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
    return new ReplicaError('worker-failed', `${this.label} sent an unexpected ${reply.type} reply`);
  }
}

/** The replica's worker entry, relative to the built module that starts it (`new URL(REPLICA_ENTRY, import.meta.url)`). */
export const REPLICA_ENTRY = './replica-worker.js';

/**
 * Threads a run computes with: 2 only when asked for, on a backend that runs on one core (`wasm`,
 * `cpu`; the TensorFlow backends use every core already), and with the built worker `entry`
 * present (it is absent when running from TypeScript sources). `note` says why 2 became 1.
 */
export function replicaThreads(requested: number, backend: string, entry: URL): { threads: 1 | 2; note?: string } {
  if (requested === 1) return { threads: 1 };
  if (backend !== 'wasm' && backend !== 'cpu') {
    return { threads: 1, note: `the ${backend} backend already uses every core; the replica thread is for wasm and cpu` };
  }
  if (!existsSync(fileURLToPath(entry))) return { threads: 1, note: `no built ${REPLICA_ENTRY} beside this module, as when running from source` };
  return { threads: 2 };
}
