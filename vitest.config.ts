import { randomBytes } from 'node:crypto';
import { defineConfig } from 'vitest/config';

// Every Docker object this run creates is labelled with this owner (rehearse reads REHEARSE_OWNER), so the
// teardown's leftover check and sweep touch only this run's objects, never a developer's running app.
process.env.REHEARSE_OWNER ??= `test-run-${randomBytes(4).toString('hex')}`;

export default defineConfig({
  test: {
    projects: [
      {
        // Pure logic, but property tests run hundreds of cases: a busy 2-core machine must not time them out.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'examples/**/*.test.ts'],
          // Real containers: generous timeouts, and files in separate forks so each owns its cleanup.
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: 'forks',
          globalSetup: ['test/setup/global-setup.ts'],
          env: { REHEARSE_OWNER: process.env.REHEARSE_OWNER },
        },
      },
    ],
  },
});
