/**
 * `npm run probe` on the corpus of services written for it, each placed in a
 * folder outside the kit as a user's own service is: every leak found and
 * named in the service's own terms, no alarm on a steady service.
 */
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { corpusCases, corpusProbeArgs, findingText, placeCorpusCase, runProbeCli, startAttached, type AttachedCase } from './probe-cases.ts';
import { scratchTempDir } from './helpers.ts';

const temp = scratchTempDir();
afterEach(() => {
  expect(temp.leftovers(), 'files left in the temporary folder').toEqual([]);
  expect(temp.serversLeft(), 'server processes left running').toEqual([]);
});
afterAll(() => temp.remove());

// FG_SUITE=core (CI's second Node) leaves the corpus to the first.
describe.skipIf(process.env.FG_SUITE === 'core').each(corpusCases().map((kase) => [kase.name, kase] as const))('probe corpus: %s', (_name, kase) => {
  test(`${kase.expect === 'grows' ? 'finds and names the leak' : 'raises no alarm'}: ${kase.why}`, async () => {
    const dir = placeCorpusCase(kase, temp.dir);
    let attached: AttachedCase | null = null;
    try {
      if (kase.attach) attached = await startAttached(dir, kase.attach.start);
      const args = [...corpusProbeArgs(kase, dir, attached), '--json'];
      const run = await runProbeCli(args, temp.dir);
      expect(run.stderr).not.toMatch(/bug in the kit/);
      expect(run.result?.status, run.stdout + run.stderr).toBe(kase.expect);
      expect(run.code).toBe(kase.expect === 'grows' ? 1 : 0);
      const text = findingText(run.result);
      for (const name of kase.names ?? []) expect(text, `the findings name ${name}`).toContain(name);
    } finally {
      attached?.child.kill();
    }
  });
});
