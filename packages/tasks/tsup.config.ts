import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    'export/index': 'src/export/index.ts',
    // Started by generateDataset as a worker thread: it must sit next to the bundle that uses it.
    'dataset-worker': 'src/dataset/dataset-worker.ts',
  },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
