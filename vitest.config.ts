import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A failed test runs once more before it fails the suite: the browser and multi-process tests share 2 cores
    // with each other, and a page has been seen to wait over 90 s for its first requests under that load. A test
    // that fails twice fails CI.
    retry: 1,
    reporters: ['default'],
  },
});
