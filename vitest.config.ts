import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Interop tests bind UDP ports and spawn real peers: keep files in separate forks.
    pool: 'forks',
  },
});
