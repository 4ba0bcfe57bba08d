import { defineConfig } from 'tsup';

// Benchmark scripts bundle this package's sources (and rewards'); @spatial-ssrl/image stays an
// import of its built output because it loads the native sharp module.
export default defineConfig({
  entry: ['src/bench/*.ts'],
  outDir: '.bench',
  format: ['esm'],
  dts: false,
  clean: true,
  target: 'node20',
  noExternal: [/^@spatial-ssrl\/(?!image$)/],
  esbuildOptions(options) {
    options.conditions = ['@spatial-ssrl/source'];
  },
});
