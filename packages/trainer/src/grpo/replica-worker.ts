import { parentPort, workerData } from 'node:worker_threads';
import { SsrlError } from '@spatial-ssrl/spec';
import { loadBackend, ModelError, PolicyModel, type BackendChoice } from '@spatial-ssrl/model';
import type { ImageCache } from '../sft/dataset.js';
import { sftGradients } from '../sft/sft-step.js';
import { policyGradients, sequenceLogProbs } from './policy-update.js';
import { unflattenWeights, type ReplicaInit, type ReplicaReply, type ReplicaRequest } from './replica-protocol.js';
import { collectRollouts } from './rollout.js';

// The entry of a policy replica thread: it holds a copy of the policy (and, for GRPO, of the
// frozen reference) and computes the share of a step the main thread hands it.

if (!parentPort) throw new Error('replica-worker runs as a worker thread');
const port = parentPort;

function errorReply(err: unknown, id?: number): ReplicaReply {
  const e = err instanceof Error ? err : new Error(String(err));
  return { type: 'error', id, name: e.name, code: e instanceof SsrlError ? e.code : undefined, message: e.message };
}

async function start(init: ReplicaInit): Promise<(req: ReplicaRequest) => void> {
  const backend = await loadBackend({ prefer: init.backend as BackendChoice, log: false });
  if (backend !== init.backend) {
    throw new ModelError('backend-unavailable', `the replica started the ${backend} backend, not ${init.backend} as the main thread`);
  }
  const policy = PolicyModel.fromWeights(init.config, unflattenWeights(init.config, init.weights), { trainable: true, source: '<replica policy>' });
  const reference =
    init.refConfig && init.refWeights
      ? PolicyModel.fromWeights(init.refConfig, unflattenWeights(init.refConfig, init.refWeights), { trainable: false, source: '<replica reference>' })
      : undefined;
  const config = policy.config;
  const cache: ImageCache = { size: init.cache.size, data: init.cache.data, slots: new Map(init.cache.slots) };
  return (req) => {
    if ('weights' in req && req.weights) policy.writeWeights(unflattenWeights(config, req.weights));
    switch (req.type) {
      case 'rollouts': {
        const rollouts = collectRollouts(policy, config, req.prompts, cache, req.settings).map(({ example: _, ...r }) => r);
        port.postMessage({ id: req.id, type: 'rollouts', rollouts } satisfies ReplicaReply);
        return;
      }
      case 'ref-log-probs': {
        if (!reference) throw new ModelError('bad-input', 'this replica was started without a reference policy');
        const logProbs = sequenceLogProbs(reference, config, req.rollouts, cache);
        port.postMessage({ id: req.id, type: 'ref-log-probs', logProbs } satisfies ReplicaReply);
        return;
      }
      case 'gradients': {
        const { grads, metrics } = policyGradients(policy, config, req.rows, cache, req.settings, { totals: req.totals });
        const entries = [...grads];
        port.postMessage({ id: req.id, type: 'gradients', grads: entries, metrics } satisfies ReplicaReply, entries.map(([, g]) => g.buffer as ArrayBuffer));
        return;
      }
      case 'sft-gradients': {
        const { grads, loss } = sftGradients(policy, config, req.examples, cache, req.options);
        // Each gradient is sent by moving its buffer, so it must own the whole buffer.
        const entries = [...grads].map(([name, g]) => [name, g.byteOffset === 0 && g.byteLength === g.buffer.byteLength ? g : g.slice()] as const);
        port.postMessage({ id: req.id, type: 'sft-gradients', grads: entries, loss } satisfies ReplicaReply, entries.map(([, g]) => g.buffer as ArrayBuffer));
        return;
      }
    }
  };
}

try {
  const handle = await start(workerData as ReplicaInit);
  port.on('message', (req: ReplicaRequest) => {
    try {
      handle(req);
    } catch (err) {
      port.postMessage(errorReply(err, req.id));
    }
  });
  port.postMessage({ type: 'ready' } satisfies ReplicaReply);
} catch (err) {
  port.postMessage(errorReply(err));
}
