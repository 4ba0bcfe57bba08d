import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from './errors.js';

/** Backends `loadBackend` can select, fastest first. */
export type BackendChoice = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** Options of `loadBackend`. */
export interface LoadBackendOptions {
  /** Backend to try first; the others follow in the default order. Overridden by `SSRL_BACKEND`. */
  readonly prefer?: BackendChoice;
  /** Receives the one-line report of the choice (once per process); `false` silences it. Default `console.error`. */
  readonly log?: ((message: string) => void) | false;
  /** Environment to read `SSRL_BACKEND` from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The default order: CUDA TensorFlow, CPU TensorFlow, WebAssembly (XNNPACK, SIMD), plain JavaScript. */
export const BACKEND_ORDER: readonly BackendChoice[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

let reported = false;

function isBackendChoice(name: string): name is BackendChoice {
  return (BACKEND_ORDER as readonly string[]).includes(name);
}

// The module name is a variable so bundlers and the type checker leave the optional peers alone.
async function importOptional(name: string): Promise<boolean> {
  try {
    await import(name);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = err instanceof Error ? err.message : String(err);
    const notFound =
      code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)|Could not resolve/.test(message);
    // Only the package itself being absent means "not installed"; a broken install is an error.
    if (notFound && message.includes(name)) return false;
    throw err;
  }
}

/** Directory holding the wasm backend's `.wasm` binaries, with a trailing separator. */
export function wasmBinaryDirectory(): string {
  const require = createRequire(import.meta.url);
  const file = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm');
  return path.dirname(file) + path.sep;
}

async function activate(choice: BackendChoice): Promise<boolean> {
  switch (choice) {
    case 'tensorflow-gpu':
    case 'tensorflow': {
      if (!(await importOptional(choice === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node'))) {
        return false;
      }
      return tf.setBackend('tensorflow');
    }
    case 'wasm': {
      if (!tf.findBackendFactory('wasm')) {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        wasm.setWasmPaths(wasmBinaryDirectory());
      }
      return tf.setBackend('wasm');
    }
    case 'cpu':
      return tf.setBackend('cpu');
  }
}

/**
 * Selects and initialises the fastest available TensorFlow.js backend: `@tensorflow/tfjs-node-gpu`,
 * then `@tensorflow/tfjs-node` (both optional, loaded only if installed), then wasm, then cpu.
 * It also registers tfjs's op gradients, so call it once before training or sampling.
 * `SSRL_BACKEND` (one of `tensorflow-gpu`, `tensorflow`, `wasm`, `cpu`) forces a backend and fails
 * with a `ModelError` (`backend-unavailable`) if it cannot start. Returns tfjs's backend name
 * (`tensorflow`, `wasm` or `cpu`).
 */
export async function loadBackend(options: LoadBackendOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const forced = env.SSRL_BACKEND?.trim();
  let candidates: BackendChoice[];
  if (forced) {
    if (!isBackendChoice(forced)) {
      throw new ModelError('backend-unavailable', `SSRL_BACKEND=${forced} is not one of ${BACKEND_ORDER.join(', ')}`);
    }
    candidates = [forced];
  } else if (options.prefer !== undefined) {
    if (!isBackendChoice(options.prefer)) {
      throw new ModelError('backend-unavailable', `unknown backend ${String(options.prefer)}; use one of ${BACKEND_ORDER.join(', ')}`);
    }
    candidates = [options.prefer, ...BACKEND_ORDER.filter((b) => b !== options.prefer)];
  } else {
    candidates = [...BACKEND_ORDER];
  }
  // The tfjs bundle registers the cpu backend and every op gradient (tfjs-core alone has none).
  await import('@tensorflow/tfjs');
  const failures: string[] = [];
  for (const choice of candidates) {
    let ok = false;
    try {
      ok = await activate(choice);
    } catch (err) {
      failures.push(`${choice}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    if (!ok) {
      failures.push(`${choice}: not installed or failed to initialise`);
      continue;
    }
    await tf.ready();
    const name = tf.getBackend();
    if (!reported && options.log !== false) {
      reported = true;
      const log = options.log ?? ((m: string) => console.error(m));
      const skipped = failures.length > 0 ? ` (skipped ${failures.map((f) => f.split(':')[0]).join(', ')})` : '';
      log(`tfjs backend: ${name}${choice === 'tensorflow-gpu' ? ' (CUDA)' : ''}${skipped}`);
    }
    return name;
  }
  throw new ModelError('backend-unavailable', `no TensorFlow.js backend could start: ${failures.join('; ')}`);
}

/**
 * Makes sure a backend is running: keeps one already set (by `loadBackend` or `tf.setBackend`,
 * only registering the op gradients), otherwise runs `loadBackend(options)`. Returns the backend name.
 */
export async function ensureBackend(options: LoadBackendOptions = {}): Promise<string> {
  const current = tf.engine().backendName;
  if (!current) return loadBackend(options);
  await import('@tensorflow/tfjs');
  return current;
}
