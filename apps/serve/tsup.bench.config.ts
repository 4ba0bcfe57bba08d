import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/bench/serve-rewards-bench.ts', 'src/bench/serve-model-bench.ts'],
  outDir: '.bench',
  format: ['esm'],
  dts: false,
  clean: true,
  target: 'node20',
  external: ['autocannon', '@spatial-ssrl/dev-env'],
});
