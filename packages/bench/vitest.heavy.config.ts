import { defineConfig } from 'vitest/config';

// The opt-in measurements too long for the default suite (`*.heavy.test.ts`): `pnpm test:heavy` at the root.
export default defineConfig({
  resolve: { conditions: ['@spatial-ssrl/source'] },
  ssr: { resolve: { conditions: ['@spatial-ssrl/source'] } },
  test: { include: ['src/**/*.heavy.test.ts'], testTimeout: 3_600_000, hookTimeout: 600_000 },
});
