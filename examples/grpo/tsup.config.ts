import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ["src/index.ts"],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // Bundle the workspace package from its sources so `start` runs without building it first.
  noExternal: [/^@spatial-ssrl\//],
  esbuildOptions(options) {
    options.conditions = ['@spatial-ssrl/source'];
  },
});
