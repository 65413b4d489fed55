/**
 * A scenario's hints, from its hints.md: each `## Hint N — title` section is
 * one hint, numbered so that a presenter can say "take hint 2".
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { scenarioDir, type Scenario } from './course.ts';

export interface Hint {
  readonly number: number;
  readonly title: string;
  readonly text: string;
}

export function parseHints(markdown: string): Hint[] {
  const hints: Hint[] = [];
  const sections = markdown.split(/^## /m).slice(1);
  for (const section of sections) {
    const [heading = '', ...body] = section.split('\n');
    const match = /^Hint\s+(\d+)\s*(?:[—–:-]\s*(.*))?$/.exec(heading.trim());
    if (!match) continue;
    hints.push({ number: Number(match[1]), title: (match[2] ?? '').trim(), text: body.join('\n').trim() });
  }
  return hints.sort((a, b) => a.number - b.number);
}

export function hintsFile(scenario: Scenario): string {
  return path.join(scenarioDir(scenario, 'scenario'), 'hints.md');
}

export function readHints(scenario: Scenario): Hint[] {
  return parseHints(readFileSync(hintsFile(scenario), 'utf8'));
}
