import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One Dawn device per worker process; GPU tests share the machine's two cores.
    pool: 'forks',
    fileParallelism: true,
  },
});
