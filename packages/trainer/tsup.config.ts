import { defineConfig } from 'tsup';

export default defineConfig({
  // Flat names: every bundle and the worker sit in one folder, so `new URL('./replica-worker.js',
  // import.meta.url)` finds the worker from whichever bundle starts it.
  entry: {
    index: 'src/index.ts',
    sft: 'src/sft/index.ts',
    grpo: 'src/grpo/index.ts',
    'replica-worker': 'src/replica-worker.ts',
  },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
