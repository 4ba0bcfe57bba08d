import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@spatial-ssrl/source'] },
  ssr: { resolve: { conditions: ['@spatial-ssrl/source'] } },
  test: { include: ['src/**/*.test.ts'], testTimeout: 30_000 },
});
