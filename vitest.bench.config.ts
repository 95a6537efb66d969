// The benchmark harness smoke run (`npm run test:bench`): kept out of `npm test`, which stays free of load runs.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/bench/*.bench.ts'],
    testTimeout: 240_000,
    pool: 'forks',
  },
});
