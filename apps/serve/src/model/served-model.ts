import { stat } from 'node:fs/promises';
import {
  createGenerationScheduler,
  ensureBackend,
  loadPolicyModel,
  readCheckpointManifest,
  resolveCheckpointDir,
  type GenerationScheduler,
  type ModelConfig,
} from '@spatial-ssrl/model';

/** How a checkpoint is served. */
export interface ServedModelOptions {
  /** The name clients send as `model`; default the checkpoint path as given. */
  readonly name?: string;
  /** Batching window in ms. */
  readonly windowMs: number;
  /** Most rows in one sampler batch (1: one request at a time). */
  readonly maxBatchRows: number;
  /** Most rows waiting for a batch; more get a 429. */
  readonly maxQueueRows: number;
  /** Largest image decoded, in pixels. */
  readonly maxImagePixels: number;
}

/** A loaded checkpoint behind a batching scheduler. */
export interface ServedModel {
  readonly name: string;
  /** The checkpoint directory the weights came from. */
  readonly dir: string;
  readonly config: ModelConfig;
  /** `fp_` + the first 12 hex digits of the weights' SHA-256: the same weights, the same fingerprint. */
  readonly fingerprint: string;
  /** When the checkpoint was written, in Unix seconds. */
  readonly created: number;
  readonly scheduler: GenerationScheduler;
  /** Waits for every accepted request, then frees the weights. */
  close(): Promise<void>;
}

/** Loads the checkpoint of `checkpoint` (a checkpoint directory or a run folder holding `checkpoint/`) for serving. */
export async function loadServedModel(checkpoint: string, options: ServedModelOptions): Promise<ServedModel> {
  await ensureBackend({ log: false });
  const dir = await resolveCheckpointDir(checkpoint);
  const manifest = await readCheckpointManifest(dir);
  const model = await loadPolicyModel(dir);
  const scheduler = createGenerationScheduler(model, {
    id: `checkpoint:${checkpoint}`,
    windowMs: options.windowMs,
    maxBatchRows: options.maxBatchRows,
    maxQueueRows: options.maxQueueRows,
    maxImagePixels: options.maxImagePixels,
  });
  const written = await stat(dir);
  return {
    name: options.name ?? checkpoint,
    dir,
    config: model.config,
    fingerprint: `fp_${manifest.weights.sha256.slice(0, 12)}`,
    created: Math.floor(written.mtimeMs / 1000),
    scheduler,
    async close() {
      await scheduler.close();
      model.dispose();
    },
  };
}
