/**
 * The course: every scenario's number, folder, title and lesson, in one place.
 * Every command (check, bench, tests) reads it; nothing else lists scenarios.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './fixtures.ts';
import { UsageError } from './errors.ts';

export interface Scenario {
  /** Two digits: its place in the course. */
  readonly number: string;
  /** The folder name under scenarios/ and solutions/: its identity. */
  readonly folder: string;
  readonly title: string;
  /** What it teaches, in one line. */
  readonly teaches: string;
  /** The files the learner may change, in its folder; just server.ts unless the service is spread over several. */
  readonly files?: readonly string[];
  /** Its hints open only once the learner has checked their server: the first step is to measure. */
  readonly hintsAfterFirstCheck?: boolean;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    number: '01',
    folder: '01-download-cache',
    title: 'The download cache',
    teaches: 'an unbounded Map keyed by the full URL keeps every file it ever served',
  },
  {
    number: '02',
    folder: '02-file-change-listener',
    title: 'The file-change listener',
    teaches: 'a listener added per request to a long-lived emitter keeps the request and its data',
  },
  {
    number: '03',
    folder: '03-upload-heartbeat',
    title: 'The upload heartbeat',
    teaches: 'a setInterval that is never cleared keeps everything its callback can reach',
  },
  {
    number: '04',
    folder: '04-upload-index',
    title: 'The upload index',
    teaches: 'a small view of a large Buffer (subarray, slice) keeps the whole ArrayBuffer behind it',
  },
  {
    number: '05',
    folder: '05-log-search',
    title: 'The log search',
    teaches: 'a substring of 13 characters or more is a view that keeps the whole string it was cut from',
  },
  {
    number: '06',
    folder: '06-export-jobs',
    title: 'The export jobs',
    teaches: 'closures created in one scope share one V8 Context: a long-lived one keeps what a short-lived one used',
  },
  {
    number: '07',
    folder: '07-aborted-downloads',
    title: 'The aborted downloads',
    teaches: 'pipe() never closes the file when the client hangs up: descriptors leak, and the heap looks clean',
  },
  {
    number: '08',
    folder: '08-csv-export',
    title: 'The CSV export',
    teaches: 'res.write() that ignores backpressure buffers the whole response for a slow client',
  },
  {
    number: '09',
    folder: '09-upload-endpoint',
    title: 'The upload endpoint',
    teaches: 'an upload collected in memory before it is written costs its whole size, per upload',
  },
  {
    number: '10',
    folder: '10-request-tracing',
    title: 'The request tracing',
    teaches: 'a Map keyed by request, cleaned up only on success, keeps every failed and aborted request with its response and socket',
  },
  {
    number: '11',
    folder: '11-gzip-downloads',
    title: 'The gzipped downloads',
    teaches: 'gzip in the middle of a chain of pipes: an aborted download leaves the file open, and the heap, zlib memory included, looks clean',
  },
  {
    number: '12',
    folder: '12-the-incident',
    title: 'The incident',
    teaches: 'a whole service, three leaks, no labels: measure, find each by its instrument and its retainers, fix one at a time',
    files: ['server.ts', 'catalog.ts', 'downloads.ts', 'thumbnails.ts'],
    hintsAfterFirstCheck: true,
  },
];

export type Side = 'scenario' | 'solution';

export function scenarioDir(scenario: Scenario, side: Side): string {
  return path.join(PROJECT_ROOT, side === 'scenario' ? 'scenarios' : 'solutions', scenario.folder);
}

export function serverFile(scenario: Scenario, side: Side): string {
  return path.join(scenarioDir(scenario, side), 'server.ts');
}

/** The files the learner may change, relative to the scenario's folder. */
export function learnerFiles(scenario: Scenario): readonly string[] {
  return scenario.files ?? ['server.ts'];
}

/**
 * A learner's file as the kit ships it, kept apart from the learner's working
 * copy so that \`npm run reset\` can always put it back: checker/originals/<folder>.ts
 * for a one-file service, checker/originals/<folder>/<file> for one spread over several.
 */
export function originalFile(scenario: Scenario, file: string): string {
  const originals = path.join(PROJECT_ROOT, 'checker', 'originals');
  return scenario.files ? path.join(originals, scenario.folder, file) : path.join(originals, `${scenario.folder}.ts`);
}

/** The leaky server.ts as the kit ships it. */
export function originalServerFile(scenario: Scenario): string {
  return originalFile(scenario, 'server.ts');
}

/** The check spec always comes from scenarios/: the solution is judged by the same check. */
export function checkFile(scenario: Scenario): string {
  return path.join(scenarioDir(scenario, 'scenario'), 'check.ts');
}

export function listScenarios(): string {
  return SCENARIOS.map((scenario) => `  ${scenario.number}  ${scenario.folder.padEnd(28)} ${scenario.title}`).join('\n');
}

/** Find a scenario by number (`1`, `01`) or folder name (`01-download-cache`, `download-cache`). */
export function findScenario(name: string): Scenario {
  const wanted = name.trim().replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? '';
  const byNumber = /^\d+$/.test(wanted) ? SCENARIOS.find((scenario) => Number(scenario.number) === Number(wanted)) : undefined;
  const found = byNumber ?? SCENARIOS.find((scenario) => scenario.folder === wanted || scenario.folder.slice(3) === wanted);
  if (!found || !existsSync(scenarioDir(found, 'scenario'))) {
    throw new UsageError(`There is no scenario "${name}". The scenarios are:\n${listScenarios()}`);
  }
  return found;
}
