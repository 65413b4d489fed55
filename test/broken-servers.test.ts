/**
 * Servers a learner might leave broken get a sentence and exit code 2, within
 * a bound, and the checker leaves no process and no snapshot behind.
 */
import path from 'node:path';
import { afterAll, afterEach, expect, test } from 'vitest';
import { runCli, scratchTempDir } from './helpers.ts';

const temp = scratchTempDir();
afterEach(() => {
  expect(temp.leftovers(), 'files left in the temporary folder').toEqual([]);
  expect(temp.serversLeft(), 'server processes left running').toEqual([]);
});
afterAll(() => temp.remove());

const cases = [
  { server: 'throws-on-import.ts', sentence: /throws-on-import\.ts threw while it was loading: Error: UPLOADS_LIMIT is not a number \(at test\/broken-servers\/throws-on-import\.ts:6:\d+\)/, boundMs: 30_000 },
  { server: 'never-answers.ts', sentence: /GET \/files\/photo-1\.jpg got no complete response within 10 s/, boundMs: 30_000 },
];

test.each(cases)('$server: could not check, with a sentence', async ({ server, sentence, boundMs }) => {
  const started = performance.now();
  const run = await runCli(['1', '--server', path.join('test', 'broken-servers', server)], temp.dir);
  const elapsed = performance.now() - started;
  expect(run.code).toBe(2);
  expect(run.stdout).toMatch(/COULD NOT CHECK/);
  expect(run.stdout.replaceAll('\\', '/')).toMatch(sentence);
  expect(run.stderr).not.toMatch(/bug in the kit/);
  expect(elapsed).toBeLessThan(boundMs);
});
