import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@spatial-ssrl/source'] },
  ssr: { resolve: { conditions: ['@spatial-ssrl/source'] } },
  // Timeouts only catch hangs: on a loaded machine a test may take many times longer than on an idle one.
  test: { include: ['src/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 600_000 },
});
