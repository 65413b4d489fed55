/**
 * `npm run probe` on the corpus of services written for it, each placed in a
 * folder outside the kit as a user's own service is: every leak found and
 * named in the service's own terms, no alarm on a steady service.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { corpusCases, corpusProbeArgs, findingText, placeCorpusCase, runProbeCli } from './probe-cases.ts';
import { scratchTempDir } from './helpers.ts';

const temp = scratchTempDir();
afterEach(() => {
  expect(temp.leftovers(), 'files left in the temporary folder').toEqual([]);
  expect(temp.serversLeft(), 'server processes left running').toEqual([]);
});
afterAll(() => temp.remove());

/** Start an attached case by its own command under node --inspect; resolves with its inspector and service addresses. */
function startAttached(dir: string, start: readonly string[]): Promise<{ child: ChildProcess; inspector: string; base: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', ...start], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let inspector = '';
    let base = '';
    let output = '';
    const check = (): void => {
      if (inspector && base) resolve({ child, inspector, base });
    };
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      inspector ||= /(ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(output)?.[1] ?? '';
      check();
    });
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      base ||= /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? '';
      check();
    });
    child.on('exit', (code) => reject(new Error(`the service exited (${code}) before it listened:\n${output}`)));
  });
}

describe.each(corpusCases().map((kase) => [kase.name, kase] as const))('probe corpus: %s', (_name, kase) => {
  test(`${kase.expect === 'grows' ? 'finds and names the leak' : 'raises no alarm'}: ${kase.why}`, async () => {
    const dir = placeCorpusCase(kase, temp.dir);
    let attached: Awaited<ReturnType<typeof startAttached>> | null = null;
    try {
      let args: string[];
      if (kase.attach) {
        attached = await startAttached(dir, kase.attach.start);
        args = ['--attach', attached.inspector, '--base', attached.base, ...kase.requests.flatMap((request) => ['--request', request]), ...(kase.args ?? []), '--json'];
      } else {
        args = corpusProbeArgs(kase, dir);
      }
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
