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
import { SYMBOLS } from './format.ts';
import { findScenario, learnerFiles, listScenarios, originalFile, scenarioDir, SCENARIOS, type Scenario } from './course.ts';
import { npmTookNote, parseCommandArgs } from './command-args.ts';
import { UsageError } from './errors.ts';
import { PROJECT_ROOT } from './fixtures.ts';

export const RESET_USAGE = `Usage: npm run reset <scenario>
       npm run reset -- --all [--yes]

Puts the scenario's original server.ts back (every file of a service spread
over several), so you can start over. Your version is saved first, beside
the scenario (scenarios/<scenario>/saved/), with the time in its name; the
command tells you where.

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

export type ResetResult = { kind: 'unchanged' } | { kind: 'reset'; saved: readonly string[]; restored: readonly string[] };

/**
 * Put back every learner file of the scenario that differs from its original,
 * saving the learner's version of each first.
 */
export function resetScenario(scenario: Scenario, now: Date = new Date()): ResetResult {
  const dir = scenarioDir(scenario, 'scenario');
  const changed = learnerFiles(scenario).filter((file) => {
    const current = path.join(dir, file);
    return !existsSync(current) || !readFileSync(current).equals(readFileSync(originalFile(scenario, file)));
  });
  if (changed.length === 0) return { kind: 'unchanged' };
  const saved: string[] = [];
  for (const file of changed) {
    const current = path.join(dir, file);
    if (existsSync(current)) {
      const savedDir = path.join(dir, 'saved');
      mkdirSync(savedDir, { recursive: true });
      const base = `${path.basename(file, '.ts')}-${stamp(now)}`;
      let savedAs = path.join(savedDir, `${base}.ts`);
      for (let n = 2; existsSync(savedAs); n++) savedAs = path.join(savedDir, `${base}-${n}.ts`);
      copyFileSync(current, savedAs);
      saved.push(savedAs);
    }
    copyFileSync(originalFile(scenario, file), current);
  }
  return { kind: 'reset', saved, restored: changed.map((file) => path.join(dir, file)) };
}

function report(scenario: Scenario, result: ResetResult): string {
  const files = learnerFiles(scenario).map((file) => relative(path.join(scenarioDir(scenario, 'scenario'), file)));
  if (result.kind === 'unchanged') {
    return `${scenario.number} ${scenario.title}: ${files.length === 1 ? `${files[0]} is` : `${files.join(', ')} are`} already the original; nothing to do.`;
  }
  const restored = result.restored.map(relative);
  return [
    `${pc.green(SYMBOLS.pass)} ${scenario.number} ${scenario.title}: ${restored.join(', ')} ${restored.length === 1 ? 'is' : 'are'} the original again.`,
    result.saved.length
      ? `  Your version${result.saved.length === 1 ? ' is' : 's are'} saved in ${result.saved.map(relative).join(', ')}`
      : `  (There was no ${restored.join(', ')}: ${restored.length === 1 ? 'it is' : 'they are'} back.)`,
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
    const yes = parsed.values.yes || (await confirmed(`Reset all ${SCENARIOS.length} scenarios to their original files? Your versions are saved first. [y/N] `));
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
