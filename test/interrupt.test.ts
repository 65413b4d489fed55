/**
 * Ctrl-C at any phase of a check, two checks at once, a full disk: the checker ends
 * every process it started and deletes every file it wrote.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { SCENARIOS } from '../checker/course.ts';
import { runCli, scratchTempDir, shippedServer, startInterruptible, tempEnv } from './helpers.ts';

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

const phases: { phase: string; reached: () => boolean }[] = [
  { phase: 'start (the server process is up)', reached: () => temp.serversLeft().length > 0 },
  { phase: 'traffic (the baseline snapshot is written)', reached: () => existsSync(path.join(workspace() ?? '-', 'baseline.heapsnapshot')) && !existsSync(path.join(workspace() ?? '-', 'target.heapsnapshot')) },
  { phase: 'snapshots (the target snapshot is being written)', reached: () => existsSync(path.join(workspace() ?? '-', 'target.heapsnapshot')) },
  { phase: 'analysis (the server is gone, memlab is at work)', reached: () => existsSync(path.join(workspace() ?? '-', 'final.heapsnapshot')) && temp.serversLeft().length === 0 },
];

test.each(phases)('Ctrl-C during $phase cleans up', async ({ phase, reached }) => {
  const check = startInterruptible('cli', ['1', '--server', shippedServer(SCENARIOS[0]!)], { env: tempEnv(temp.dir) });
  await until(phase, reached, check.child);
  check.interrupt();
  expect(await check.exited).toBe(130);
  expect(check.output()).toContain('Check interrupted: the server was stopped and its snapshots deleted.');
});

// A terminal sends Ctrl-C to every process in its foreground group, the
// servers the kit started too: they must leave the decision to the kit.
describe.skipIf(process.platform === 'win32')('Ctrl-C from a terminal reaches the server too', () => {
  test('the check says it was interrupted, not that the server stopped', async () => {
    const check = startInterruptible('cli', ['7', '--server', shippedServer(SCENARIOS[6]!)], { env: tempEnv(temp.dir), group: true });
    await until('the server process is up', () => temp.serversLeft().length > 0, check.child);
    check.interrupt();
    expect(await check.exited).toBe(130);
    expect(check.output()).toContain('Check interrupted: the server was stopped and its snapshots deleted.');
  });

  test('the demo moves on to the solution because of Ctrl-C, not because the server died', async () => {
    const demo = startInterruptible('demo', ['7', '--seconds', '120'], { env: tempEnv(temp.dir), group: true });
    await until('the leaky server\'s first round', () => /leaky round 1:/.test(demo.output()), demo.child, 60_000);
    demo.interrupt();
    await until('the solution\'s first round', () => /fixed round 1:/.test(demo.output()), demo.child, 60_000);
    demo.interrupt();
    expect(await demo.exited).toBe(130);
    const leakySide = demo.output().slice(0, demo.output().indexOf('fixed round 0:'));
    expect(leakySide).toContain('stopped: Ctrl-C');
    expect(demo.output()).not.toMatch(/killed by SIGINT|The demo stopped/);
  });
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
