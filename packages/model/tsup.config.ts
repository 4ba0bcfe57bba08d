import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    // Started by trainGrpo as a worker thread: it must sit next to the bundle that uses it.
    'replica-worker': 'src/grpo/replica-worker.ts',
  },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
