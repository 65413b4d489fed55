/**
 * npm run bench -- --watch [--repeat N] [--scenario N ...] [--against DIR]
 *
 * How long a learner waits in watch mode between saving the server and reading
 * the verdict. For each scenario, a copy of its learner's files (in a folder of
 * the kit, so that they import the kit's service and packages) is watched with
 * `npm run check N -- --server <copy> --watch`; after the first verdict the
 * copy is saved N times (a comment added), each after a pause in which a
 * learner reads the verdict and edits (THINK_MS), and the time from each save
 * to its verdict is taken. The time includes watch mode's quiet period
 * (200 ms: editors often write a file twice). With --against, the kit in DIR
 * (its dependencies installed) is measured the same way, turn about.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findScenario, learnerFiles, SCENARIOS, scenarioDir, type Scenario } from './course.ts';
import { PROJECT_ROOT } from './fixtures.ts';
import { median } from './format.ts';
import { KIT_LOADER } from './server-process.ts';

/** A learner reads the verdict and edits before the next save: time the next check has to get ready in. */
const THINK_MS = 3_000;
/** A verdict that takes longer than this is a hung watch, not a slow one. */
const VERDICT_TIMEOUT_MS = 120_000;
const VERDICT_LINE = /Watching for the next save/g;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Save → verdict times, in ms, of `saves` saves of a copy of the scenario's files, watched by the kit in `root`. */
async function watchTimes(root: string, scenario: Scenario, saves: number): Promise<number[]> {
  const copy = path.join(root, '.bench-watch', scenario.folder);
  rmSync(copy, { recursive: true, force: true });
  mkdirSync(copy, { recursive: true });
  for (const file of learnerFiles(scenario)) cpSync(path.join(scenarioDir(scenario, 'scenario'), file), path.join(copy, file));
  const server = path.join(copy, 'server.ts');
  const original = readFileSync(server, 'utf8');
  const child = spawn(process.execPath, ['--import', KIT_LOADER, path.join('checker', 'cli.ts'), scenario.number, '--server', server, '--watch'], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  /** Woken by every piece of output, and by the end of the process. */
  let wake: () => void = () => undefined;
  const heard = (text: string): void => {
    output += text;
    wake();
  };
  child.stdout.setEncoding('utf8').on('data', heard);
  child.stderr.setEncoding('utf8').on('data', heard);
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  void closed.then(() => wake());
  const verdicts = (): number => output.match(VERDICT_LINE)?.length ?? 0;
  const untilVerdict = async (count: number): Promise<void> => {
    const deadline = performance.now() + VERDICT_TIMEOUT_MS;
    while (verdicts() < count) {
      if (child.exitCode !== null || performance.now() > deadline) throw new Error(`watch of ${scenario.folder} in ${root} gave no verdict ${count}:\n${output}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 1_000);
      });
    }
  };
  const times: number[] = [];
  try {
    await untilVerdict(1);
    for (let save = 1; save <= saves; save++) {
      await pause(THINK_MS);
      const saved = performance.now();
      writeFileSync(server, `${original}\n// save ${save}\n`);
      await untilVerdict(save + 1);
      times.push(performance.now() - saved);
      process.stderr.write(`\r\x1b[2K${scenario.folder} ${root === PROJECT_ROOT ? 'this kit' : root}: save ${save}/${saves} → verdict in ${(times.at(-1)! / 1000).toFixed(2)} s`);
    }
  } finally {
    child.kill('SIGINT');
    await closed;
    rmSync(copy, { recursive: true, force: true });
  }
  return times;
}

export async function runWatchBench(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== '--watch'),
    options: {
      repeat: { type: 'string', default: '5' },
      scenario: { type: 'string', multiple: true },
      against: { type: 'string' },
    },
  });
  const saves = Number(values.repeat);
  if (!Number.isInteger(saves) || saves < 1) throw new Error('--repeat takes a whole number of saves, 1 or more');
  const scenarios = values.scenario ? values.scenario.map(findScenario) : SCENARIOS;
  const against = values.against ? path.resolve(values.against) : null;
  if (against && !existsSync(path.join(against, 'checker', 'cli.ts'))) throw new Error(`--against wants the folder of another copy of the kit; ${against} has no checker/cli.ts`);

  console.log(`Node ${process.version} on ${os.platform()} ${os.arch()}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'})`);
  console.log(`watch mode on a copy of each scenario's leaky server, ${saves} save(s) each, ${THINK_MS / 1000} s apart after each verdict; save → verdict, 200 ms quiet period included`);
  if (against) console.log(`each beside the same by the kit in ${against}, turn about`);
  console.log('');
  const rows: string[][] = [];
  const ratios: number[] = [];
  const all: number[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    const order = against && index % 2 === 1 ? [against, PROJECT_ROOT] : [PROJECT_ROOT, ...(against ? [against] : [])];
    const medians = new Map<string, number>();
    for (const root of order) {
      const times = await watchTimes(root, scenario, saves);
      medians.set(root, median(times));
      if (root === PROJECT_ROOT) all.push(...times);
    }
    process.stderr.write('\r\x1b[2K');
    const ours = medians.get(PROJECT_ROOT)!;
    const theirs = against ? medians.get(against)! : null;
    if (theirs) ratios.push(ours / theirs);
    rows.push([scenario.folder, `${(ours / 1000).toFixed(2)} s`, ...(theirs ? [`${(theirs / 1000).toFixed(2)} s`, `${(ours / theirs).toFixed(2)}×`] : [])]);
  }
  const header = ['scenario', 'this kit', ...(against ? ['against', 'ratio'] : [])];
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column]!.length)));
  const line = (row: readonly string[]): string => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  console.log([line(header), line(widths.map((width) => '─'.repeat(width))), ...rows.map(line)].join('\n'));
  console.log(`\nMedian save → verdict over every save: ${(median(all) / 1000).toFixed(2)} s${ratios.length ? `; median ratio ${median(ratios).toFixed(2)}×` : ''}.`);
  return 0;
}
