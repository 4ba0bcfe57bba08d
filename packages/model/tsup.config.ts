import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', training: 'src/training.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
