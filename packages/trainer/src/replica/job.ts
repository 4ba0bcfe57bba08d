import type { ModelConfig, PolicyModel } from '@spatial-ssrl/model';
import type { ImageCache } from '../sft/dataset.js';

/** What a job computes with inside the replica thread. */
export interface ReplicaContext {
  /** The trainable policy, at the weights the last request sent. */
  readonly policy: PolicyModel;
  /** The frozen reference policy, when the replica was started with one. */
  readonly reference?: PolicyModel;
  readonly config: ModelConfig;
  /** The image cache, its bytes shared with the main thread. */
  readonly cache: ImageCache;
}

/** A job's result and the buffers to move (not copy) to the main thread with it. */
interface ReplicaOutput<R> {
  readonly result: R;
  readonly transfer?: readonly ArrayBuffer[];
}

/**
 * A unit of work a replica runs for a trainer: `name` is its key in the protocol, `what` names it
 * in error messages (`… failed while <what>`), `run` computes it in the replica thread. `P` and
 * `R` are plain data (structured-clonable).
 */
export interface ReplicaJob<P, R> {
  readonly name: string;
  readonly what: string;
  run(ctx: ReplicaContext, payload: P): ReplicaOutput<R>;
}

/** Any job, whatever its payload and result types (what a worker entry registers). */
export type AnyReplicaJob = ReplicaJob<any, any>;

/** Gradients as entries whose arrays each own their whole buffer, so they can be moved to another thread. */
export function movableGradients(grads: ReadonlyMap<string, Float32Array>): [string, Float32Array][] {
  return [...grads].map(([name, g]) => [name, g.byteOffset === 0 && g.byteLength === g.buffer.byteLength ? g : g.slice()]);
}

/** Adds gradients `b` into `a` (same names and sizes; a name only in `b` is moved over). */
export function addGradients(a: Map<string, Float32Array>, b: ReadonlyMap<string, Float32Array>): Map<string, Float32Array> {
  for (const [name, g] of b) {
    const acc = a.get(name);
    if (!acc) {
      a.set(name, g);
      continue;
    }
    for (let i = 0; i < acc.length; i++) acc[i] += g[i];
  }
  return a;
}
