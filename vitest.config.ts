import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['libs/*/test/unit/**/*.test.ts', 'services/*/test/unit/**/*.test.ts'],
          env: { DOTENV_CONFIG_QUIET: 'true' },
        },
      },
      {
        test: {
          name: 'integration',
          // Unit tests first; integration after, with its own worker limit.
          sequence: { groupOrder: 1 },
          include: [
            'libs/*/test/integration/**/*.test.ts',
            'services/*/test/integration/**/*.test.ts',
            'test/**/*.test.ts',
          ],
          env: { DOTENV_CONFIG_QUIET: 'true' },
          // Two cores share the broker, PostgreSQL and the tests: two files at a time at most.
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
