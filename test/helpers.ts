/**
 * Runs the real check command the way a learner does (a child process, real
 * HTTP, real snapshots, real memlab) and looks at what it left behind.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HeapAfterTraffic } from '../checker/analysis.ts';
import { PROJECT_ROOT } from '../checker/fixtures.ts';
import { highestNodeId } from '../checker/heap-ids.ts';
import type { Verdict } from '../checker/types.ts';
import { startWarmChecker as startWarmCheckerIn, type WarmChecker } from '../checker/warm-checker.ts';
export type { WarmChecker } from '../checker/warm-checker.ts';
import { originalServerFile, type Scenario } from '../checker/course.ts';
import { KIT_LOADER } from '../checker/server-process.ts';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The verdict, when the command was run with --json and got that far. */
  readonly verdict: (Verdict & { scenario: string; server: string }) | null;
}

export interface CommandRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment as a learner's shell has it: vitest's NODE_ENV=test would
 * make Express stop logging errors, and npm's settings from the `npm test`
 * that started the suite are not the command's options (without
 * npm_lifecycle_event, the commands do not look for options npm kept).
 */
function learnerEnv(): NodeJS.ProcessEnv {
  const { NODE_ENV: _testRunner, npm_lifecycle_event: _npm, ...rest } = process.env;
  return rest;
}

/** One of the kit's commands (checker/<script>.ts) as npm runs it, to its end. */
export function runCommand(script: string, args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', KIT_LOADER, path.join('checker', `${script}.ts`), ...args], {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: { ...learnerEnv(), NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface Interruptible {
  readonly child: ChildProcess;
  /** Everything the command has printed on stdout and stderr so far. */
  output(): string;
  readonly exited: Promise<number | null>;
  /** Ctrl-C, as the command receives it from a terminal. */
  interrupt(): void;
}

/**
 * One of the kit's commands started as from a terminal, to be interrupted the
 * way Ctrl-C interrupts it. On Windows a signal sent to another process is a
 * hard kill, so there the command gets an IPC channel and the interrupt is
 * its 'cancel' message (the one watch mode sends); elsewhere the real SIGINT.
 * `group`: the command leads its own process group and the interrupt goes to
 * the whole group, as a terminal sends it to every process in the foreground.
 */
export function startInterruptible(script: string, args: readonly string[], options: { env?: Record<string, string>; group?: boolean } = {}): Interruptible {
  const viaMessage = process.platform === 'win32';
  const child = spawn(process.execPath, ['--import', KIT_LOADER, path.join('checker', `${script}.ts`), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...learnerEnv(), NO_COLOR: '1', ...options.env },
    stdio: viaMessage ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    detached: Boolean(options.group) && !viaMessage,
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    interrupt() {
      if (viaMessage) child.send('cancel');
      else if (options.group) process.kill(-child.pid!, 'SIGINT');
      else child.kill('SIGINT');
    },
  };
}

/** What a command printed with --json, or null if it printed no JSON. */
export function jsonOf<T>(run: CommandRun, args: readonly string[]): T | null {
  if (!args.includes('--json')) return null;
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    return null;
  }
}

/** The environment that sends a command's temporary files (snapshots, workspaces) to `tmpDir`. */
export function tempEnv(tmpDir: string): Record<string, string> {
  return { TMPDIR: tmpDir, TMP: tmpDir, TEMP: tmpDir };
}

/**
 * `npm run check <args>` without npm: node --import tsx checker/cli.ts, with
 * its temporary folder redirected to `tmpDir` so that what it leaves there can
 * be counted.
 */
export async function runCli(args: readonly string[], tmpDir: string, env: Record<string, string> = {}): Promise<CliRun> {
  const run = await runCommand('cli', args, { env: { FG_STATE_DIR: path.join(tmpDir, 'state'), ...env, ...tempEnv(tmpDir) } });
  return { ...run, verdict: jsonOf<NonNullable<CliRun['verdict']>>(run, args) };
}

/**
 * A checker that stays loaded (checker/warm.ts) for a test file's many
 * checks of other servers, in the learner's environment, its temporary
 * folder `tmpDir` as runCli's is.
 */
export function startWarmChecker(tmpDir: string): WarmChecker {
  return startWarmCheckerIn({ env: { ...learnerEnv(), NO_COLOR: '1', FG_STATE_DIR: path.join(tmpDir, 'state'), ...tempEnv(tmpDir) } });
}

/**
 * The heap a check left after its traffic, kept with --keep: the final
 * snapshot, and where the traffic began, read from the kept baseline the way
 * the harness reads it.
 */
export async function keptHeap(args: readonly string[], tmpDir: string): Promise<HeapAfterTraffic & { readonly baseline: string }> {
  const run = await runCli([...args, '--keep', '--json'], tmpDir);
  const snapshots = run.verdict && 'snapshots' in run.verdict ? run.verdict.snapshots : undefined;
  if (!snapshots || snapshots.length !== 2) throw new Error(`check ${args.join(' ')} --keep gave no snapshots:\n${run.stdout}\n${run.stderr}`);
  const [baseline, final] = snapshots as [string, string];
  return { snapshot: final, baselineHighestId: await highestNodeId(createReadStream(baseline)), baseline };
}

/**
 * A temporary folder for one test file's checks. Every check run by `runCli`
 * with it works there, and the server processes it starts inherit it as
 * TMPDIR, which is how `serversLeft()` tells them from other checks running
 * on the same machine.
 */
export function scratchTempDir(): { dir: string; leftovers(): string[]; serversLeft(): number[]; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fg-test-'));
  const serversBefore = process.platform === 'linux' ? [] : runningHarnesses();
  return {
    dir,
    leftovers: () => {
      const found: string[] = [];
      for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
        const full = path.join(entry.parentPath, entry.name);
        if (entry.name.startsWith('forgotten-garbage-') || entry.name.endsWith('.heapsnapshot')) found.push(path.relative(dir, full));
      }
      return found;
    },
    serversLeft: () =>
      process.platform === 'linux' ? harnessesWithTempDir(dir) : runningHarnesses().filter((pid) => !serversBefore.includes(pid)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const HARNESS_COMMAND = /checker[\\/]harness\.ts/;

/** Linux: server harnesses whose environment names `tmpDir` as TMPDIR. */
function harnessesWithTempDir(tmpDir: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (!HARNESS_COMMAND.test(readFileSync(`/proc/${name}/cmdline`, 'utf8'))) continue;
      if (readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(`TMPDIR=${tmpDir}`)) found.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Process ids of every server harness running on this machine (any checker's). */
function runningHarnesses(): number[] {
  if (process.platform === 'win32') {
    const out = execFileSync('powershell', ['-NoProfile', '-Command', "Get-CimInstance Win32_Process | Where-Object { $_.CommandLine -like '*checker*harness.ts*' } | ForEach-Object { $_.ProcessId }"], { encoding: 'utf8' });
    return out.split(/\s+/).filter(Boolean).map(Number);
  }
  const out = execFileSync('ps', ['-A', '-o', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => HARNESS_COMMAND.test(line))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

/**
 * The leaky server as the kit ships it (checker/originals), relative to the
 * project, for --server. The tests check it rather than scenarios/, which is
 * the learner's working copy: a learner who has fixed a scenario still gets a
 * green npm test.
 */
export function shippedServer(scenario: Scenario): string {
  return path.relative(PROJECT_ROOT, originalServerFile(scenario));
}
