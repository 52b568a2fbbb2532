import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'examples/**/*.test.ts'],
          // Real containers: generous timeouts, and files in separate forks so each owns its cleanup.
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: 'forks',
          globalSetup: ['test/setup/global-setup.ts'],
        },
      },
    ],
  },
});
