/**
 * What the learner has done so far: each scenario's last check of their own
 * server, and how many hints they have read. Kept in a small git-ignored file
 * (.forgotten-garbage/progress.json; FG_STATE_DIR moves the folder), written
 * whole each time so that a crash never leaves half a file.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './fixtures.ts';

export type Outcome = 'passed' | 'failed' | 'could-not-check';

export interface ScenarioProgress {
  /** The last check of scenarios/<folder>/server.ts. */
  readonly lastCheck?: {
    readonly outcome: Outcome;
    readonly at: string;
    /** For a service with several leaks (12): how many of them that check found fixed. */
    readonly leaks?: { readonly total: number; readonly fixed: number };
  };
  /** True once a check of the learner's server has passed, even if a later one failed. */
  readonly everPassed?: boolean;
  /** How many hints have been shown (hint 1 … hintsShown). */
  readonly hintsShown?: number;
}

export interface Progress {
  readonly scenarios: Readonly<Record<string, ScenarioProgress>>;
}

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FG_STATE_DIR ? path.resolve(env.FG_STATE_DIR) : path.join(PROJECT_ROOT, '.forgotten-garbage');
}

function progressFile(): string {
  return path.join(stateDir(), 'progress.json');
}

export function readProgress(): Progress {
  try {
    const parsed = JSON.parse(readFileSync(progressFile(), 'utf8')) as Partial<Progress>;
    return { scenarios: typeof parsed.scenarios === 'object' && parsed.scenarios !== null ? parsed.scenarios : {} };
  } catch {
    // No progress yet, or a file someone broke by hand: start afresh rather than refuse to work.
    return { scenarios: {} };
  }
}

export function updateProgress(folder: string, change: (current: ScenarioProgress) => ScenarioProgress): void {
  const progress = readProgress();
  const next: Progress = { scenarios: { ...progress.scenarios, [folder]: change(progress.scenarios[folder] ?? {}) } };
  const file = progressFile();
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(next, null, 2) + '\n');
  renameSync(temporary, file);
}

export function recordCheck(folder: string, outcome: Outcome, at: Date = new Date(), leaks?: { total: number; fixed: number }): void {
  updateProgress(folder, (current) => ({
    ...current,
    lastCheck: { outcome, at: at.toISOString(), ...(leaks ? { leaks } : {}) },
    everPassed: current.everPassed || outcome === 'passed',
  }));
}
