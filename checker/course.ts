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
    number: '06',
    folder: '06-export-jobs',
    title: 'The export jobs',
    teaches: 'closures created in one scope share one V8 Context: a long-lived one keeps what a short-lived one used',
  },
  {
    number: '10',
    folder: '10-request-tracing',
    title: 'The request tracing',
    teaches: 'a Map keyed by request, cleaned up only on success, keeps every failed and aborted request with its response and socket',
  },
];

export type Side = 'scenario' | 'solution';

export function scenarioDir(scenario: Scenario, side: Side): string {
  return path.join(PROJECT_ROOT, side === 'scenario' ? 'scenarios' : 'solutions', scenario.folder);
}

export function serverFile(scenario: Scenario, side: Side): string {
  return path.join(scenarioDir(scenario, side), 'server.ts');
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
