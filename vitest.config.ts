import os from 'node:os';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * Checks take real heap snapshots and count the processes they leave. Each test
 * file counts the servers of its own temporary folder, which only Linux can
 * tell apart (by their environment): there two files run side by side, one per
 * core, which also runs every check beside another one, as a learner's busy
 * laptop would. Elsewhere one file at a time.
 */
const sideBySide = process.platform === 'linux' && os.availableParallelism() >= 2;

/**
 * The scenario files (test/scenarios-N.test.ts, most of the suite's time)
 * first, the others after them in vitest's own order: on a fresh clone vitest
 * knows no durations and would start the largest files by size, leaving a
 * scenario file to run alone at the end.
 */
class ScenariosFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isScenarios = (file: TestSpecification): boolean => /[\\/]scenarios-\d+\.test\.ts$/.test(file.moduleId);
    return [...sorted.filter(isScenarios), ...sorted.filter((file) => !isScenarios(file))];
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: sideBySide,
    maxWorkers: sideBySide ? 2 : 1,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    sequence: { sequencer: ScenariosFirst },
  },
});
