import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ["src/cli.ts"],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
