import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@spatial-ssrl/source'] },
  ssr: { resolve: { conditions: ['@spatial-ssrl/source'] } },
  // Timeouts only catch hangs: on a loaded machine a test may take many times longer than on an idle one.
  // `*.heavy.test.ts` files run only through vitest.heavy.config.ts (`pnpm test:heavy`).
  test: { include: ['src/**/*.test.ts'], exclude: ['**/node_modules/**', 'src/**/*.heavy.test.ts'], testTimeout: 600_000, hookTimeout: 600_000 },
});
