/**
 * npm run reset <scenario> [-- --all [--yes]]
 *
 * Puts a scenario's original leaky server.ts back. The learner's version is
 * never lost: it is first saved beside the scenario, in saved/, with the time
 * in its name, and the command says where.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import pc from 'picocolors';
import { findScenario, listScenarios, originalServerFile, scenarioDir, SCENARIOS, serverFile, type Scenario } from './course.ts';
import { npmTookNote, parseCommandArgs } from './command-args.ts';
import { UsageError } from './errors.ts';
import { PROJECT_ROOT } from './fixtures.ts';

export const RESET_USAGE = `Usage: npm run reset <scenario>
       npm run reset -- --all [--yes]

Puts the scenario's original server.ts back, so you can start over. Your
version is saved first, beside the scenario (scenarios/<scenario>/saved/),
with the time in its name; the command tells you where.

  <scenario>   a number (1, 01) or a folder name (01-download-cache)

Options:
  --all        reset every scenario (asks first)
  --yes        do not ask (for scripts)
  -h, --help   show this help

Scenarios:
${listScenarios()}`;

function relative(file: string): string {
  return path.relative(PROJECT_ROOT, file).split(path.sep).join('/');
}

/** "2026-11-25_17-05-12", local time: sorts by time, and is a valid file name on every system. */
function stamp(now: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}_${two(now.getHours())}-${two(now.getMinutes())}-${two(now.getSeconds())}`;
}

export type ResetResult = { kind: 'unchanged' } | { kind: 'reset'; savedAs: string };

export function resetScenario(scenario: Scenario, now: Date = new Date()): ResetResult {
  const current = serverFile(scenario, 'scenario');
  const original = readFileSync(originalServerFile(scenario));
  if (existsSync(current) && readFileSync(current).equals(original)) return { kind: 'unchanged' };
  let savedAs = '';
  if (existsSync(current)) {
    const savedDir = path.join(scenarioDir(scenario, 'scenario'), 'saved');
    mkdirSync(savedDir, { recursive: true });
    const base = `server-${stamp(now)}`;
    savedAs = path.join(savedDir, `${base}.ts`);
    for (let n = 2; existsSync(savedAs); n++) savedAs = path.join(savedDir, `${base}-${n}.ts`);
    copyFileSync(current, savedAs);
  }
  copyFileSync(originalServerFile(scenario), current);
  return { kind: 'reset', savedAs };
}

function report(scenario: Scenario, result: ResetResult): string {
  const file = relative(serverFile(scenario, 'scenario'));
  if (result.kind === 'unchanged') return `${scenario.number} ${scenario.title}: ${file} is already the original; nothing to do.`;
  return [
    `${pc.green('✓')} ${scenario.number} ${scenario.title}: ${file} is the original again.`,
    result.savedAs ? `  Your version is saved in ${relative(result.savedAs)}` : '  (There was no server.ts: it is back.)',
  ].join('\n');
}

async function confirmed(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new UsageError('No question can be asked here (input is not a terminal). To reset every scenario: npm run reset -- --all --yes');
  }
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandArgs(
    'reset',
    argv,
    { all: { type: 'boolean' }, yes: { type: 'boolean', short: 'y' }, help: { type: 'boolean', short: 'h' } },
    process.env,
  );
  if (parsed.fromNpm.length) console.error(pc.dim(npmTookNote('reset', parsed.positionals, parsed.fromNpm)));
  if (parsed.values.help) {
    console.log(RESET_USAGE);
    return 0;
  }
  if (parsed.values.all) {
    if (parsed.positionals.length) throw new UsageError('Give a scenario or --all, not both.');
    const yes = parsed.values.yes || (await confirmed(`Reset all ${SCENARIOS.length} scenarios to their original server.ts? Your versions are saved first. [y/N] `));
    if (!yes) {
      console.log('Nothing was reset.');
      return 0;
    }
    for (const scenario of SCENARIOS) console.log(report(scenario, resetScenario(scenario)));
    return 0;
  }
  const [name, ...extra] = parsed.positionals;
  if (!name) throw new UsageError(`Which scenario? For example: npm run reset 1\n\n${RESET_USAGE}`);
  if (extra.length) throw new UsageError(`Reset one scenario at a time, or all with --all (got ${parsed.positionals.join(', ')}).`);
  const scenario = findScenario(name);
  console.log(report(scenario, resetScenario(scenario)));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
  },
);
