import { CheckpointError, type ModelConfig } from '@spatial-ssrl/model';
import { paramSpecs } from '@spatial-ssrl/model/training';

/** What a policy replica receives at start (`workerData`): plain data, the image bytes shared. */
export interface ReplicaInit {
  /** tfjs backend name of the main thread (`wasm` or `cpu`); the replica runs the same one. */
  readonly backend: string;
  readonly config: ModelConfig;
  /** Policy weights in parameter order, concatenated. */
  readonly weights: Float32Array;
  /** A frozen reference policy (GRPO's); jobs that need one fail without it. */
  readonly refConfig?: ModelConfig;
  /** Reference policy weights in parameter order, concatenated. */
  readonly refWeights?: Float32Array;
  /** The image cache: `data` on a `SharedArrayBuffer` is shared with the main thread, not copied. */
  readonly cache: { readonly size: number; readonly data: Uint8Array; readonly slots: readonly (readonly [string, number])[] };
}

/** A request of the main thread: run the job registered as `job` on `payload`; `weights` (when present) replaces the policy weights first. */
export interface ReplicaRequest {
  readonly id: number;
  readonly job: string;
  readonly weights?: Float32Array;
  readonly payload: unknown;
}

/** Replies of the replica: ready once its models are built, a job's result, or an error (without `id`: the replica itself failed). */
export type ReplicaReply =
  | { readonly type: 'ready' }
  | { readonly id: number; readonly type: 'result'; readonly result: unknown }
  | { readonly id?: number; readonly type: 'error'; readonly name: string; readonly code?: string; readonly message: string };

/** Concatenates weights in the parameter order of `config` into one new array. */
export function flattenWeights(config: ModelConfig, weights: ReadonlyMap<string, Float32Array>): Float32Array {
  const specs = paramSpecs(config);
  const total = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const s of specs) {
    const values = weights.get(s.name);
    const size = s.shape.reduce((a, b) => a * b, 1);
    if (!values || values.length !== size) {
      throw new CheckpointError('weights-mismatch', s.name, `has ${values?.length ?? 0} values, expected ${size}`);
    }
    out.set(values, offset);
    offset += size;
  }
  return out;
}

/** Views of concatenated weights by parameter name (the inverse of `flattenWeights`, no copy). */
export function unflattenWeights(config: ModelConfig, flat: Float32Array): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  let offset = 0;
  for (const s of paramSpecs(config)) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    out.set(s.name, flat.subarray(offset, offset + size));
    offset += size;
  }
  if (offset !== flat.length) throw new CheckpointError('weights-mismatch', '<replica weights>', `has ${flat.length} values, expected ${offset}`);
  return out;
}
