/**
 * Figures from reference runs of each leaky server and its solution, shown
 * beside the learner's ("yours, leaky, fixed"). `npm run bench -- --record`
 * measures and writes them; nobody types them in.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './fixtures.ts';

export interface ReferenceFigure {
  readonly leaky: number;
  readonly fixed: number;
}

export interface ReferenceFigures {
  /** The Node version that made them, and when. */
  readonly node: string;
  readonly recorded: string;
  /** Scenario folder → measure name → figures. */
  readonly scenarios: Readonly<Record<string, Readonly<Record<string, ReferenceFigure>>>>;
}

export const REFERENCE_FILE = path.join(PROJECT_ROOT, 'checker', 'reference.json');

export function readReferenceFigures(): ReferenceFigures | null {
  try {
    return JSON.parse(readFileSync(REFERENCE_FILE, 'utf8')) as ReferenceFigures;
  } catch {
    return null;
  }
}

export function writeReferenceFigures(figures: ReferenceFigures): void {
  writeFileSync(REFERENCE_FILE, JSON.stringify(figures, null, 2) + '\n');
}
