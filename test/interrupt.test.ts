/**
 * Ctrl-C at any phase of a check, two checks at once, a full disk: the checker ends
 * every process it started and deletes every file it wrote.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../checker/fixtures.ts';
import { SCENARIOS } from '../checker/course.ts';
import { runCli, scratchTempDir, shippedServer } from './helpers.ts';

const temp = scratchTempDir();

afterEach(() => {
  expect(temp.leftovers(), 'files left in the temporary folder').toEqual([]);
  expect(temp.serversLeft(), 'server processes left running').toEqual([]);
});
afterAll(() => temp.remove());

/** The check's workspace folder, once it exists. */
function workspace(): string | null {
  const name = readdirSync(temp.dir).find((entry) => entry.startsWith('forgotten-garbage-'));
  return name ? path.join(temp.dir, name) : null;
}

/** Poll a condition the check's own files and processes show; fail after `timeoutMs`. */
async function until(what: string, condition: () => boolean, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (child.exitCode !== null) throw new Error(`the check ended (exit ${child.exitCode}) before ${what}`);
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const kept = (name: string): boolean => existsSync(path.join(workspace() ?? '-', `${name}.heapsnapshot`));

// With --keep the baseline is a file too, so the phase shows from outside; what is kept on a verdict goes on Ctrl-C all the same.
const phases: { phase: string; reached: () => boolean }[] = [
  { phase: 'start (the server process is up)', reached: () => temp.serversLeft().length > 0 },
  { phase: 'traffic (the baseline snapshot is written)', reached: () => kept('baseline') && !kept('final') },
  { phase: 'contract (the final snapshot is written, memlab reads it while the server answers)', reached: () => kept('final') && temp.serversLeft().length > 0 },
  { phase: 'analysis (the server is gone, memlab is at work)', reached: () => kept('final') && temp.serversLeft().length === 0 },
];

test.each(phases)('Ctrl-C during $phase cleans up', async ({ phase, reached }) => {
  const { NODE_ENV: _testRunnerEnv, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('checker', 'cli.ts'), '1', '--server', shippedServer(SCENARIOS[0]!), '--keep'], {
    cwd: PROJECT_ROOT,
    env: { ...env, TMPDIR: temp.dir, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await until(phase, reached, child);
  child.kill('SIGINT');
  expect(await exited).toBe(130);
  expect(stderr).toContain('Check interrupted: the server was stopped and its snapshots deleted.');
});

test('two checks at once each get their own verdict', async () => {
  const [leaky, fixed] = await Promise.all([runCli(['1', '--server', shippedServer(SCENARIOS[0]!), '--json'], temp.dir), runCli(['1', '--solution', '--json'], temp.dir)]);
  expect(leaky.code).toBe(1);
  expect(fixed.code).toBe(0);
});

test('a temporary folder without room for the snapshots: a sentence, exit 2, nothing started', async () => {
  // More room than any disk has: 1 EiB.
  const run = await runCli(['1'], temp.dir, { FG_TEMP_SPACE_NEEDED: String(2 ** 60) });
  expect(run.code).toBe(2);
  expect(run.stdout.replace(/\s+/g, ' ')).toMatch(/The temporary folder .* has [\d.]+ [KMG]iB free; a check needs about 1073741824\.0 GiB for its heap snapshots\. Free some space and run the check again\./);
});
