/**
 * npm run preflight, for real on this machine, and what it tells a laptop
 * that is not ready.
 */
import { afterAll, expect, test } from 'vitest';
import { runCommand, scratchTempDir, tempEnv } from './helpers.ts';
import { satisfies } from '../checker/preflight.ts';

const temp = scratchTempDir();
afterAll(() => temp.remove());

test('engines ranges are read as npm reads them', () => {
  expect(satisfies('20.19.0', '^20.19.0 || >=22.12.0')).toBe(true);
  expect(satisfies('20.18.3', '^20.19.0 || >=22.12.0')).toBe(false);
  expect(satisfies('21.7.0', '^20.19.0 || >=22.12.0')).toBe(false);
  expect(satisfies('22.11.0', '^20.19.0 || >=22.12.0')).toBe(false);
  expect(satisfies('v24.1.0', '^20.19.0 || >=22.12.0')).toBe(true);
});

test('on this machine: ready, with every check as it should be (exit 0)', async () => {
  const run = await runCommand('preflight', [], { env: tempEnv(temp.dir) });
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect(run.stdout).toMatch(/leaky server fails[\s\S]*solution passes[\s\S]*leaky server fails[\s\S]*solution passes/);
  expect(run.stdout).toContain('Ready for the workshop');
  expect(temp.leftovers()).toEqual([]);
  expect(temp.serversLeft()).toEqual([]);
}, 180_000);

test('a Node too old and descriptors that cannot be counted: one sentence each, exit 1, no check tried', async () => {
  const run = await runCommand('preflight', [], { env: { ...tempEnv(temp.dir), FG_PREFLIGHT_NODE_VERSION: '20.11.1', FG_HIDE_FD_LISTING: '1' } });
  expect(run.code, run.stdout + run.stderr).toBe(1);
  const sentences = (pattern: RegExp): number => run.stdout.split('\n').filter((line) => pattern.test(line)).length;
  expect(sentences(/^ {2}Node 20\.11\.1 is too old for the kit, which needs \^20\.19\.0 or >=22\.12\.0: install Node 22 \(LTS\) from https:\/\/nodejs\.org/)).toBe(1);
  expect(sentences(/^ {2}This system does not let a process list its open file descriptors .*scenarios 07 and 11 count the file streams left open instead/)).toBe(1);
  expect(run.stdout).toContain('Not ready: 1 problem(s) to fix');
  expect(run.stdout).not.toMatch(/leaky server fails/);
});
