/**
 * Scenario 12, the incident: three leaks in one service, one per module, each
 * caught by its measures (a leak is fixed when all of its pass). Fixing any
 * one module fixes exactly its leak, and the verdict counts the leaks fixed,
 * so a learner sees the count rise with each fix, whichever they fix first. The servers are put together from the leaky
 * modules as shipped and the fixed ones, in test/variants/12-the-incident/
 * partly-fixed-*.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { checkFile, findScenario } from '../checker/course.ts';
import { attributeLeaks, countLeaks, loadCheck } from '../checker/run.ts';
import type { CheckSpec, MeasureResult } from '../checker/types.ts';
import { PROJECT_ROOT } from '../checker/fixtures.ts';
import { runCli, scratchTempDir, shippedServer } from './helpers.ts';

const scenario = findScenario('12');
const variants = path.join('test', 'variants', scenario.folder);
const temp = scratchTempDir();
afterEach(() => {
  expect(temp.leftovers(), 'files left in the temporary folder').toEqual([]);
  expect(temp.serversLeft(), 'server processes left running').toEqual([]);
});
afterAll(() => temp.remove());

/**
 * Which of the check's measures each server passes, in its order: the catalogue's Buffers and its strings outside the
 * heap (leak 1), the downloads' descriptors and the records module-level variables gained (leak 2; the shipped
 * downloads keep no record, which the second leaves to the first), the thumbnails' listeners, the functions kept, the strings
 * module-level variables gained and the bytes of their text (leak 3; the shipped thumbnails keep their names in
 * closures, which the last two leave to the others).
 */
const PARTLY_FIXED: readonly (readonly [string, readonly boolean[]])[] = [
  ['partly-fixed-catalog.ts', [true, true, false, true, false, false, true, true]],
  ['partly-fixed-downloads.ts', [false, true, true, true, false, false, true, true]],
  ['partly-fixed-thumbnails.ts', [false, true, false, true, true, true, true, true]],
  ['partly-fixed-catalog-and-thumbnails.ts', [true, true, false, true, true, true, true, true]],
];
/** The leak each measure counts towards: a leak is fixed when all its measures pass. */
const LEAK_OF_MEASURE = [1, 1, 2, 2, 3, 3, 3, 3];

function leaksFixed(passed: readonly boolean[]): number {
  return [1, 2, 3].filter((leak) => passed.every((ok, index) => LEAK_OF_MEASURE[index] !== leak || ok)).length;
}

describe('12 the incident: each fix counts on its own', () => {
  let spec: CheckSpec;

  test.each(PARTLY_FIXED)('%s: exactly its leaks are fixed, and the verdict counts them', async (file, fixed) => {
    spec ??= await loadCheck(checkFile(scenario));
    expect(spec.countLeaks).toBe(true);
    expect(spec.measures).toHaveLength(fixed.length);
    const run = await runCli([scenario.number, '--server', path.join(variants, file), '--json'], temp.dir);
    expect(run.code, run.stderr).toBe(1);
    const verdict = run.verdict!;
    expect(verdict.status).toBe('fail');
    if (verdict.status === 'could-not-check') return;
    expect(verdict.breaches).toEqual([]);
    expect(verdict.measures.map((measure) => measure.passed)).toEqual(fixed);
    expect(verdict.leaks).toEqual({ total: 3, fixed: leaksFixed(fixed) });
    // What is still there is well over its bar, what is fixed well under it.
    for (const measure of verdict.measures) {
      if (measure.passed) expect(measure.value, measure.name).toBeLessThanOrEqual(measure.bar / 2);
      else expect(measure.value, measure.name).toBeGreaterThan(2 * measure.bar);
    }
  });

  test('the learner reads the count, and which leak is still there', async () => {
    const run = await runCli([scenario.number, '--server', path.join(variants, 'partly-fixed-catalog-and-thumbnails.ts')], temp.dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('2 of 3 leaks fixed: 1 still found');
    expect(run.stdout).toMatch(/✓ Leak 1 of 3 fixed: memory held by Buffers/);
    expect(run.stdout).toMatch(/✗ Leak 2 of 3 still there: file descriptors still open/);
    expect(run.stdout).toMatch(/✓ Leak 3 of 3 fixed: event listeners/);
  });

  test('each leak is named by its module and line', async () => {
    const leaky = shippedServer(scenario);
    const folder = path.dirname(leaky).split(path.sep).join('/');
    /** The line of one of the service's modules that holds `code`. */
    const line = (module: string, code: string): number => readFileSync(path.join(PROJECT_ROOT, path.dirname(leaky), module), 'utf8').split('\n').findIndex((text) => text.includes(code)) + 1;
    const run = await runCli([scenario.number, '--server', leaky], temp.dir);
    expect(run.code).toBe(1);
    const text = run.stdout.replace(/[ \t]+/g, ' ');
    expect(text).toContain(`files module variable in ${folder}/catalog.ts:${line('catalog.ts', 'const files =')}`);
    expect(text).toMatch(new RegExp(`\\d+ × all-hands-2026-10\\.mp4, opened at ${folder}/downloads\\.ts:${line('downloads.ts', 'await openUploadedFile(')}:\\d+`));
    expect(text).toMatch(new RegExp(`\\d+ × listener on fileEvents 'changed', added at ${folder}/thumbnails\\.ts:${line('thumbnails.ts', "fileEvents.on('changed'")}:\\d+`));
    // The catalogue holds the warm-up's files too: its size on the path is larger than "yours", and the report says why.
    expect(text).toMatch(/A size on the path is all that object keeps, what it held before the traffic included \([\d.]+ MiB here\); yours, [\d.]+ MiB, counts only what the traffic added and left\./);
  });
});

describe('12 the incident: a leak is its module\'s, whichever measure caught it', () => {
  const measure = (name: string, passed: boolean, more: Partial<MeasureResult> = {}): MeasureResult => ({ name, unit: 'objects', value: passed ? 0 : 9, bar: 0, passed, ...more });
  const files = ['catalog.ts', 'downloads.ts', 'thumbnails.ts'];
  const timer = { root: { name: 'Timeout', description: 'a timer', label: 'Timeout', retainedBytes: 1 }, steps: [{ via: '._onTimeout', label: 'function at …/12-the-incident/downloads.ts:20', retainedBytes: 1 }] };

  test('a timer kept by downloads.ts, caught by the functions measure, is the downloads\' leak', () => {
    const measures = attributeLeaks(
      [measure('buffers', true), measure('descriptors', true), measure('listeners', true), measure('functions', false, { sameLeak: true, path: timer })],
      files,
    );
    expect(measures.map((result) => result.leaks)).toEqual([[1], [2], [3], [2]]);
    expect(measures[3]!.foundIn).toEqual(['downloads.ts']);
    expect(countLeaks(measures)).toEqual({ total: 3, fixed: 2 });
  });

  test('descriptors opened by catalog.ts and downloads.ts count against both leaks', () => {
    const places = [
      { count: 1, what: 'scan-1.pdf.partial', verb: 'opened', location: 'scenarios/12-the-incident/catalog.ts:36:15' },
      { count: 1, what: 'all-hands-2026-10.mp4', verb: 'opened', location: 'scenarios/12-the-incident/downloads.ts:15:16' },
    ];
    const measures = attributeLeaks([measure('buffers', true), measure('descriptors', false, { places }), measure('listeners', true)], files);
    expect(measures[1]!.leaks).toEqual([1, 2]);
    expect(countLeaks(measures)).toEqual({ total: 3, fixed: 1 });
  });

  test('what no leak\'s file made stays with the measure\'s own leak', () => {
    const measures = attributeLeaks([measure('buffers', true), measure('descriptors', true), measure('listeners', false, { places: [{ count: 2, what: 'listener', verb: 'added', location: 'scenarios/12-the-incident/server.ts:9:3' }] })], files);
    expect(measures[2]!.leaks).toEqual([3]);
    expect(countLeaks(measures)).toEqual({ total: 3, fixed: 2 });
  });
});
