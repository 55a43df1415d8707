import { defineConfig } from 'vitest/config';

// One run covers every workspace; scripts/test.mjs sums the results into "N passed, N failed".
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { test: { name: 'shared', include: ['shared/test/**/*.test.ts'] } },
      { test: { name: 'backend', include: ['backend/test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 } },
      { test: { name: 'outlook-addin', include: ['outlook-addin/test/**/*.test.{ts,tsx}'] } },
      { test: { name: 'gmail-addon', include: ['gmail-addon/test/**/*.test.ts'] } },
      { test: { name: 'tests', include: ['tests/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 } },
    ],
  },
});
