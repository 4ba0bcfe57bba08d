import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ensureBackend, loadBackend, wasmBinaryDirectory } from './backend.js';
import { ModelError } from './errors.js';
import { existsSync } from 'node:fs';
import path from 'node:path';

describe('loadBackend', () => {
  it('falls through missing TensorFlow bindings to wasm and logs the choice once', async () => {
    const logs: string[] = [];
    const name = await loadBackend({ env: {}, log: (m) => logs.push(m) });
    expect(name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    await loadBackend({ env: {}, log: (m) => logs.push(m) });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^tfjs backend: wasm \(skipped tensorflow-gpu, tensorflow\)$/);
  });

  it('honours SSRL_BACKEND over the preference', async () => {
    expect(await loadBackend({ prefer: 'wasm', env: { SSRL_BACKEND: 'cpu' }, log: false })).toBe('cpu');
    expect(await loadBackend({ prefer: 'cpu', env: {}, log: false })).toBe('cpu');
    expect(await loadBackend({ prefer: 'wasm', env: {}, log: false })).toBe('wasm');
  });

  it('fails clearly when a forced backend is unknown or unavailable', async () => {
    await expect(loadBackend({ env: { SSRL_BACKEND: 'webgpu' }, log: false })).rejects.toThrow(/SSRL_BACKEND=webgpu is not one of/);
    const err = await loadBackend({ env: { SSRL_BACKEND: 'tensorflow' }, log: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).code).toBe('backend-unavailable');
    expect((err as Error).message).toMatch(/tensorflow: not installed/);
  });

  it('finds the wasm binaries next to the package', () => {
    expect(existsSync(path.join(wasmBinaryDirectory(), 'tfjs-backend-wasm-simd.wasm'))).toBe(true);
  });
});

describe('ensureBackend', () => {
  it('keeps the running backend', async () => {
    await loadBackend({ prefer: 'cpu', env: {}, log: false });
    expect(await ensureBackend({ env: {}, log: false })).toBe('cpu');
    await loadBackend({ prefer: 'wasm', env: {}, log: false });
    expect(await ensureBackend({ env: {}, log: false })).toBe('wasm');
  });
});
