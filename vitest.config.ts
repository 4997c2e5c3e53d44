import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    setupFiles: ['test/support/texts.ts'],
    // Each file gets its own database and queue prefix, so files may run side by side.
    // Generous bounds: they cost nothing when a test passes, and CI machines are shared and loaded.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // On a loaded CI machine a test that lost a race with the clock gets one more try; a broken
    // feature fails both. Locally a test runs once, so a flaky one shows at once.
    retry: process.env.CI ? 1 : 0,
  },
});
