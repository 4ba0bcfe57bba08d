import { parentPort, workerData } from 'node:worker_threads';
import { SsrlError } from '@spatial-ssrl/spec';
import { loadBackend, ModelError, PolicyModel, type BackendChoice } from '@spatial-ssrl/model';
import type { ImageCache } from '../sft/dataset.js';
import type { AnyReplicaJob, ReplicaContext } from './job.js';
import { unflattenWeights, type ReplicaInit, type ReplicaReply, type ReplicaRequest } from './protocol.js';

function errorReply(err: unknown, id?: number): ReplicaReply {
  const e = err instanceof Error ? err : new Error(String(err));
  return { type: 'error', id, name: e.name, code: e instanceof SsrlError ? e.code : undefined, message: e.message };
}

/** The job registry of a replica: one job per name, a second one of the same name throws. */
function registry(jobs: readonly AnyReplicaJob[]): Map<string, AnyReplicaJob> {
  const out = new Map<string, AnyReplicaJob>();
  for (const job of jobs) {
    if (out.has(job.name)) throw new ModelError('bad-config', `two replica jobs are named ${job.name}`);
    out.set(job.name, job);
  }
  return out;
}

async function start(init: ReplicaInit, jobs: ReadonlyMap<string, AnyReplicaJob>): Promise<(req: ReplicaRequest) => ReplicaReply & { transfer?: readonly ArrayBuffer[] }> {
  const backend = await loadBackend({ prefer: init.backend as BackendChoice, log: false });
  if (backend !== init.backend) {
    throw new ModelError('backend-unavailable', `the replica started the ${backend} backend, not ${init.backend} as the main thread`);
  }
  const policy = PolicyModel.fromWeights(init.config, unflattenWeights(init.config, init.weights), { trainable: true, source: '<replica policy>' });
  const reference =
    init.refConfig && init.refWeights
      ? PolicyModel.fromWeights(init.refConfig, unflattenWeights(init.refConfig, init.refWeights), { trainable: false, source: '<replica reference>' })
      : undefined;
  const cache: ImageCache = { size: init.cache.size, data: init.cache.data, slots: new Map(init.cache.slots) };
  const ctx: ReplicaContext = { policy, reference, config: policy.config, cache };
  return (req) => {
    const job = jobs.get(req.job);
    if (!job) throw new ModelError('bad-input', `this replica has no job named ${req.job} (it has ${[...jobs.keys()].join(', ') || 'none'})`);
    if (req.weights) policy.writeWeights(unflattenWeights(ctx.config, req.weights));
    const { result, transfer } = job.run(ctx, req.payload);
    return { id: req.id, type: 'result', result, transfer };
  };
}

/**
 * Runs the calling worker thread as a policy replica: builds the policy (and the reference, when
 * sent) from `workerData`, answers `ready`, then runs each request with the job registered under
 * its name, one at a time. A job's error is sent back with its `SsrlError` code; the replica
 * stays up. The replica knows no trainer: each trainer registers its jobs in the worker entry.
 */
export async function serveReplica(jobs: readonly AnyReplicaJob[]): Promise<void> {
  if (!parentPort) throw new Error('a policy replica runs as a worker thread');
  const port = parentPort;
  try {
    const handle = await start(workerData as ReplicaInit, registry(jobs));
    port.on('message', (req: ReplicaRequest) => {
      try {
        const { transfer, ...reply } = handle(req);
        port.postMessage(reply, transfer ? [...transfer] : []);
      } catch (err) {
        port.postMessage(errorReply(err, req.id));
      }
    });
    port.postMessage({ type: 'ready' } satisfies ReplicaReply);
  } catch (err) {
    port.postMessage(errorReply(err));
  }
}
