/**
 * What `npm run slides:figures` measures and the deck reads: per scenario,
 * each measure's figure for the leaky server and for the fixed one, the bar,
 * and the SVG files drawn from the same runs. Nobody types these numbers in.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RetainerPath, SampledPeak, TimelinePoint } from '../checker/types.ts';

export const SLIDES_DIR = path.dirname(fileURLToPath(import.meta.url));
export const FIGURES_DIR = path.join(SLIDES_DIR, 'figures');
export const FIGURES_FILE = path.join(FIGURES_DIR, 'figures.json');

/** How a measure reads its figure: the heap diff, a probe, a peak sampled during the traffic, or an instrument outside the heap. */
export type MeasureKind = 'heap' | 'probe' | 'peak' | 'resources';

export interface MeasureFigures {
  readonly name: string;
  /** Absent in figures recorded before the other instruments: read it with measureKind. */
  readonly kind?: MeasureKind;
  readonly unit: 'bytes' | 'objects';
  readonly bar: number;
  readonly leaky: number;
  readonly fixed: number;
  /** How many objects the leaky figure counts, and what they are (heap measures). */
  readonly leakyObjects?: number;
  readonly describe?: string;
  /** The leaky run's retainer path, when the measure has one, and the file (in figures/) that draws it. */
  readonly path?: RetainerPath;
  readonly pathFigure?: string;
  /** The instrument that counted (resource measures): "open file descriptors". */
  readonly instrument?: string;
  /** What each run sampled during the traffic (peak measures): before, peak, and what to read them against. */
  readonly sampled?: { readonly leaky: SampledPeak; readonly fixed: SampledPeak };
  /** For a measure without a retainer path: the file (in figures/) that draws its figure, leaky beside fixed. */
  readonly measureFigure?: string;
}

/** The measure's kind; figures recorded before kinds were have heap measures (with what they select) and probes. */
export function measureKind(measure: MeasureFigures): MeasureKind {
  return measure.kind ?? (measure.describe !== undefined ? 'heap' : 'probe');
}

export interface ScenarioFigures {
  readonly number: string;
  readonly title: string;
  /** The Node version that made them ("v20.20.2"), and when (UTC date). */
  readonly node: string;
  readonly recorded: string;
  readonly leakyStatus: string;
  readonly fixedStatus: string;
  /** Memory over the check, leaky beside fixed (file name in figures/). */
  readonly memoryFigure: string;
  /** Highest readings over each check. */
  readonly peak: {
    readonly leaky: { readonly heapUsed: number; readonly arrayBuffers: number; readonly rss: number };
    readonly fixed: { readonly heapUsed: number; readonly arrayBuffers: number; readonly rss: number };
  };
  readonly measures: readonly MeasureFigures[];
  /** Memory over each check, as drawn in memoryFigure. */
  readonly timeline: { readonly leaky: readonly TimelinePoint[]; readonly fixed: readonly TimelinePoint[] };
}

export interface DeckFigures {
  /** Scenario folder → its figures. */
  readonly scenarios: Readonly<Record<string, ScenarioFigures>>;
}

export function readDeckFigures(): DeckFigures | null {
  try {
    return JSON.parse(readFileSync(FIGURES_FILE, 'utf8')) as DeckFigures;
  } catch {
    return null;
  }
}

/** figures.json as written: indented, with each timeline reading on one line so the figures stay easy to read. */
export function formatDeckFigures(figures: DeckFigures): string {
  return (
    JSON.stringify(figures, null, 2).replace(/\{\n\s+"ms": [^{}]*?\n\s+\}/g, (point) => point.replace(/\s*\n\s*/g, ' ')) + '\n'
  );
}
