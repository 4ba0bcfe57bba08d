import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/cli.ts'],
    format: ['esm'],
    dts: true,
    clean: false,
    sourcemap: true,
    target: 'node20',
  },
  {
    // The web page: one script with its few dependencies bundled in, the HTML and the style
    // sheet beside it, so it works offline.
    entry: { app: 'src/page/app.ts' },
    outDir: 'dist/page',
    format: ['iife'],
    platform: 'browser',
    target: 'es2022',
    minify: true,
    dts: false,
    clean: true,
    sourcemap: false,
    noExternal: [/.*/],
    publicDir: 'src/page/public',
    outExtension: () => ({ js: '.js' }),
  },
]);
