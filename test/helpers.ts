/**
 * Runs the real check command the way a learner does (a child process, real
 * HTTP, real snapshots, real memlab) and looks at what it left behind.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../checker/fixtures.ts';
import type { Verdict } from '../checker/types.ts';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The verdict, when the command was run with --json and got that far. */
  readonly verdict: (Verdict & { scenario: string; server: string }) | null;
}

/**
 * `npm run check <args>` without npm: node --import tsx checker/cli.ts, with
 * its temporary folder redirected to `tmpDir` so that what it leaves there can
 * be counted.
 */
export function runCli(args: readonly string[], tmpDir: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('checker', 'cli.ts'), ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, TMPDIR: tmpDir, TMP: tmpDir, TEMP: tmpDir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => {
      let verdict = null;
      if (args.includes('--json')) {
        try {
          verdict = JSON.parse(stdout);
        } catch {
          verdict = null;
        }
      }
      resolve({ code, stdout, stderr, verdict });
    });
  });
}

/** A temporary folder for one test file's checks; `leftovers()` lists what checks left in it. */
export function scratchTempDir(): { dir: string; leftovers(): string[]; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fg-test-'));
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
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Process ids of server harnesses still running (the checker's children), on any checker. */
export function runningHarnesses(): number[] {
  if (process.platform === 'win32') {
    const out = execFileSync('powershell', ['-NoProfile', '-Command', "Get-CimInstance Win32_Process | Where-Object { $_.CommandLine -like '*checker*harness.ts*' } | ForEach-Object { $_.ProcessId }"], { encoding: 'utf8' });
    return out.split(/\s+/).filter(Boolean).map(Number);
  }
  const out = execFileSync('ps', ['-A', '-o', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => /checker[\\/]harness\.ts/.test(line))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}
