/**
 * The temporary folder of one check (snapshots, uploads),
 * and the promise that it goes away on every path out: a verdict, an error,
 * Ctrl-C, or the process exiting.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CouldNotCheck } from './errors.ts';
import { formatBytes } from './format.ts';
import { FIXTURES_DIR } from './fixtures.ts';
import { stopAllServers, stopAllServersAndWait } from './server-process.ts';

/**
 * Room a check needs for its snapshots and uploads. FG_TEMP_SPACE_NEEDED
 * (bytes) raises it, for a machine whose servers are larger than the kit's.
 */
export const TEMP_SPACE_NEEDED = Math.max(256 * 1024 * 1024, Number(process.env.FG_TEMP_SPACE_NEEDED) || 0);

const live = new Set<string>();

const PREFIX = 'forgotten-garbage-';
/** A workspace names the checker process that owns it, so one left by a killed checker can be recognised. */
const OWNER_FILE = 'owner.pid';

export interface Workspace {
  readonly dir: string;
  readonly uploadsDir: string;
  /**
   * The server's own temporary folder (its os.tmpdir(): the harness points TMPDIR, and TEMP and TMP for Windows, here), so
   * that a check sees the temporary files it leaves, and they go with the workspace.
   */
  readonly tempDir: string;
  /**
   * A file store of the check's own holding copies of the fixtures `names` (a log the traffic adds to), for the server
   * to read instead of the shared fixtures; its folder.
   */
  ownFiles(names: readonly string[]): string;
  /** A snapshot's file: the baseline, the probe's target, the heap after the traffic, or one numbered at a checkpoint. */
  snapshot(name: 'baseline' | 'target' | 'final' | `checkpoint-${string}`): string;
  /** Delete everything, or keep the snapshots (and say so) when asked. */
  dispose(keepSnapshots: boolean): void;
}

export function createWorkspace(): Workspace {
  const parent = os.tmpdir();
  const free = freeBytes(parent);
  if (free !== null && free < TEMP_SPACE_NEEDED) {
    throw new CouldNotCheck(
      'disk full',
      `The temporary folder ${parent} has ${formatBytes(free)} free; a check needs about ${formatBytes(TEMP_SPACE_NEEDED)} for its heap snapshots. Free some space and run the check again.`,
    );
  }
  removeOrphanedWorkspaces(parent);
  const dir = mkdtempSync(path.join(parent, PREFIX));
  writeFileSync(path.join(dir, OWNER_FILE), String(process.pid));
  live.add(dir);
  const tempDir = path.join(dir, 'tmp');
  mkdirSync(tempDir);
  return {
    dir,
    uploadsDir: path.join(dir, 'uploads'),
    tempDir,
    snapshot: (name) => path.join(dir, `${name}.heapsnapshot`),
    ownFiles(names) {
      const files = path.join(dir, 'files');
      mkdirSync(files, { recursive: true });
      for (const name of names) copyFileSync(path.join(FIXTURES_DIR, name), path.join(files, name));
      return files;
    },
    dispose(keepSnapshots) {
      live.delete(dir);
      if (keepSnapshots) {
        for (const name of [OWNER_FILE, 'uploads', 'tmp', 'files']) removeQuietly(path.join(dir, name));
      } else {
        removeQuietly(dir);
      }
    },
  };
}

/**
 * A checker killed outright (SIGKILL, a closed laptop lid, a crashed machine)
 * cannot delete its workspace; the next check does, once its owner is gone.
 * Snapshots kept on purpose have no owner file and stay.
 */
function removeOrphanedWorkspaces(parent: string): void {
  let names: string[];
  try {
    names = readdirSync(parent).filter((name) => name.startsWith(PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = path.join(parent, name);
    let owner: number;
    try {
      owner = Number(readFileSync(path.join(dir, OWNER_FILE), 'utf8'));
    } catch {
      continue;
    }
    if (Number.isSafeInteger(owner) && owner > 0 && !isAlive(owner)) removeQuietly(dir, { silent: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Bytes free on the disk that holds `dir`, or null where the system cannot say. */
export function freeBytes(dir: string): number | null {
  try {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}

/**
 * Delete a file or folder, retrying while Windows holds it (an antivirus
 * scanning a fresh snapshot, a file whose delete is still pending: EBUSY,
 * EPERM). A folder that still cannot go is named on stderr and left: the
 * verdict already reached stays the verdict.
 */
export function removeQuietly(target: string, { silent = false } = {}): void {
  try {
    rmSync(target, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  } catch (error) {
    if (!silent) process.stderr.write(`Could not delete ${target} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); delete it by hand when nothing uses it any more.\n`);
  }
}

/** Synchronous, so it also runs from process.on('exit'). */
export function cleanUpEverything(): void {
  stopAllServers();
  for (const dir of live) removeQuietly(dir);
  live.clear();
}

let installed = false;

/** End servers and delete workspaces on exit and on Ctrl-C (exit code 130, like a shell). */
export function installCleanupHandlers(onInterrupt: () => void): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanUpEverything);
  let interrupted = false;
  const interrupt = (): void => {
    if (interrupted) return;
    interrupted = true;
    // Wait (briefly) until the servers are really gone, then delete their files.
    void stopAllServersAndWait(3_000).finally(() => {
      cleanUpEverything();
      onInterrupt();
      process.exit(130);
    });
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  process.on('SIGHUP', interrupt);
  // Started by watch mode: it cancels a check by message (signals do not reach a process on Windows), and
  // a watcher that is gone cancels it too.
  if (process.channel) {
    process.on('message', (message) => {
      if (message === 'cancel') interrupt();
    });
    process.on('disconnect', interrupt);
    process.channel.unref();
  }
}
