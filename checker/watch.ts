/**
 * Watch mode: check again whenever the scenario's files are saved. Each check
 * runs in a child process of its own (the check command with --json); a newer
 * save cancels the check in flight, which ends its server and deletes its
 * snapshots before the next one starts, so checks never overlap.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, unwatchFile, watch, watchFile, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pc from 'picocolors';
import { SYMBOLS } from './format.ts';
import type { Scenario, Side } from './course.ts';
import { PROJECT_ROOT } from './fixtures.ts';
import { readReferenceFigures } from './reference.ts';
import { formatVerdict } from './report.ts';
import type { Verdict } from './types.ts';
import { KIT_LOADER } from './server-process.ts';

export interface WatchOptions {
  readonly scenario: Scenario;
  readonly side: Side;
  readonly serverFile: string;
  /** The arguments for the check command, without --watch. */
  readonly checkArgs: readonly string[];
  /** Poll the files' times instead of asking the system for events. */
  readonly poll: boolean;
}

/** Saves within this time are one save: editors often write a file twice. */
const QUIET_MS = 200;
const POLL_MS = 500;
const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cli.ts');

function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}

/** Where file events are known to go missing: WSL on a Windows drive, or a network drive. */
export function eventsUnreliable(dir: string): string | null {
  if (process.env.FG_WATCH_POLL === '1') return 'FG_WATCH_POLL=1 asks for it';
  if (process.platform === 'linux' && /^\/mnt\/[a-z]\//i.test(dir)) {
    try {
      if (/microsoft/i.test(readFileSync('/proc/version', 'utf8'))) return 'file events do not cross from Windows drives into WSL';
    } catch {
      // not WSL
    }
  }
  return null;
}

/** The files a learner edits: every .ts file of the scenario's folder (not saved/), or the one file checked. */
function watchedFiles(options: WatchOptions): string[] {
  const dir = path.dirname(options.serverFile);
  const inFolder = readdirSync(dir).filter((name) => name.endsWith('.ts') && name !== 'check.ts');
  return [...new Set([options.serverFile, ...inFolder.map((name) => path.join(dir, name))])];
}

export function watchScenario(options: WatchOptions): Promise<never> {
  const dir = path.dirname(options.serverFile);
  const reason = options.poll ? '--poll asks for it' : eventsUnreliable(dir);
  let running: { child: ChildProcess; done: Promise<void>; cancelled: boolean } | null = null;
  /** The next check, loaded with its server's process started, waiting for the next save. */
  let standby: CheckChild | null = null;
  let stopping = false;
  let pending: NodeJS.Timeout | null = null;
  let generation = 0;

  const prepareStandby = (): void => {
    // A file that is gone would end the check at once with an error: the next save starts one afresh.
    if (!standby && !stopping && existsSync(options.serverFile)) standby = forkCheck(options, true);
  };

  const startCheck = async (): Promise<void> => {
    const mine = ++generation;
    if (running) {
      if (!running.cancelled) {
        console.log(pc.dim(`${clock()}  saved again: cancelling the check in flight`));
        running.cancelled = true;
        running.child.send('cancel');
      }
      await running.done;
    }
    if (mine !== generation) return; // an even newer save took over while we waited
    console.log(pc.dim(`${clock()}  checking ${path.relative(process.cwd(), options.serverFile)} …`));
    const alive = standby && standby.child.exitCode === null && standby.child.signalCode === null ? standby : null;
    standby = null;
    const check = alive ?? forkCheck(options, false);
    const entry = {
      child: check.child,
      cancelled: false,
      done: check.closed.then((code) => {
        if (running?.child === check.child) running = null;
        if (mine !== generation) return;
        report(options, check.stdout(), code);
        prepareStandby();
      }),
    };
    running = entry;
    if (check.standby && (await check.standingBy) && !entry.cancelled) check.child.send('go');
  };
  const saved = (): void => {
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => {
      pending = null;
      void startCheck();
    }, QUIET_MS);
  };

  const watchers: FSWatcher[] = [];
  const polled: string[] = [];
  const pollFiles = (): void => {
    for (const file of watchedFiles(options)) {
      polled.push(file);
      watchFile(file, { interval: POLL_MS }, (now, before) => {
        if (now.mtimeMs !== before.mtimeMs || now.size !== before.size) saved();
      });
    }
  };
  if (reason) {
    console.log(`Watching by polling every ${POLL_MS} ms (${reason}).`);
    pollFiles();
  } else {
    try {
      const names = new Set(watchedFiles(options).map((file) => path.basename(file)));
      const watcher = watch(dir, (_event, name) => {
        if (name && (names.has(String(name)) || (String(name).endsWith('.ts') && String(name) !== 'check.ts'))) saved();
      });
      watcher.on('error', () => {
        watcher.close();
        console.log(`File events stopped working here; watching by polling every ${POLL_MS} ms instead.`);
        pollFiles();
      });
      watchers.push(watcher);
    } catch (error) {
      console.log(`File events are not available here (${(error as Error).message}); watching by polling every ${POLL_MS} ms instead.`);
      pollFiles();
    }
  }
  console.log(`Watching ${path.relative(process.cwd(), dir) || '.'}: save a file to check again. Ctrl-C to stop.`);
  void startCheck();

  return new Promise<never>(() => {
    const stop = (): void => {
      for (const watcher of watchers) watcher.close();
      for (const file of polled) unwatchFile(file);
      if (pending) clearTimeout(pending);
      generation++;
      stopping = true;
      const waiting = standby;
      standby = null;
      if (waiting?.child.connected) waiting.child.send('cancel');
      const child = running?.child;
      if (child && !running!.cancelled) child.send('cancel');
      void Promise.all([running?.done, waiting?.closed]).then(() => process.exit(130));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

interface CheckChild {
  readonly child: ChildProcess;
  /** Started to stand by: it loads the check and its server's process, says 'standing-by', and waits for 'go'. */
  readonly standby: boolean;
  /** Whether it stood by (false: it ended first). */
  readonly standingBy: Promise<boolean>;
  readonly closed: Promise<number | null>;
  stdout(): string;
}

/** The check command in a process of its own, printing its verdict as JSON. */
function forkCheck(options: WatchOptions, standby: boolean): CheckChild {
  let stdout = '';
  const child = fork(CLI, [...options.checkArgs, '--json'], {
    cwd: PROJECT_ROOT,
    execArgv: ['--import', KIT_LOADER],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, FG_WATCH_CHILD: '1', ...(standby ? { FG_WATCH_STANDBY: '1' } : {}) },
  });
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const standingBy = new Promise<boolean>((resolve) => {
    child.on('message', (message) => message === 'standing-by' && resolve(true));
    void closed.then(() => resolve(false));
  });
  return { child, standby, standingBy, closed, stdout: () => stdout };
}

function report(options: WatchOptions, stdout: string, code: number | null): void {
  let verdict: Verdict | null = null;
  try {
    verdict = (JSON.parse(stdout) as Verdict & { scenario: string }) ?? null;
  } catch {
    verdict = null;
  }
  if (!verdict || !('status' in verdict)) {
    console.log(`${clock()}  ${pc.yellow('? the check did not finish')} (exit ${code ?? 'signal'}); save again to retry.`);
    return;
  }
  const reference = readReferenceFigures()?.scenarios[options.scenario.folder];
  console.log(formatVerdict({ scenario: options.scenario, side: options.side, serverFile: options.serverFile, verdict, reference }));
  const line =
    verdict.status === 'pass' ? pc.green(`${SYMBOLS.pass} PASS`) : verdict.status === 'fail' ? pc.red(`${SYMBOLS.fail} FAIL`) : pc.yellow('? COULD NOT CHECK');
  console.log(`${pc.bold(`${clock()}  ${line}`)}  ${options.scenario.number} ${options.scenario.title}. Watching for the next save…`);
  if (!existsSync(options.serverFile)) console.log(pc.yellow(`${options.serverFile} is gone; the next save of it will be checked.`));
}
