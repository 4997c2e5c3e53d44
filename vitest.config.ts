import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    setupFiles: ['test/support/texts.ts'],
    // Each file gets its own database and queue prefix, so files may run side by side.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
