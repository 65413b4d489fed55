import os from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Checks take real heap snapshots and count the processes they leave. Each test
 * file counts the servers of its own temporary folder, which only Linux can
 * tell apart (by their environment): there two files run side by side, one per
 * core, which also runs every check beside another one, as a learner's busy
 * laptop would. Elsewhere one file at a time.
 */
const sideBySide = process.platform === 'linux' && os.availableParallelism() >= 2;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: sideBySide,
    maxWorkers: sideBySide ? 2 : 1,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
