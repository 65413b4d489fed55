/**
 * npm run bench [-- --repeat N] [--scenario N] [--record]
 * npm run bench -- --probe [--repeat N]   npm run probe's false negatives and positives (checker/probe-bench.ts)
 *
 * Runs the check command, as a learner does, on every scenario's leaky server
 * and its solution, N times each (3 by default), and prints:
 * - where the time goes: the median of the whole command and of each phase,
 *   beside the time memlab alone takes over the same three snapshots;
 * - how steady the verdicts are: wrong verdicts, and each measure's spread
 *   against its bar (the margin a noisy laptop has to eat into).
 * --record writes the median figures to checker/reference.json, which the
 * verdict shows as "leaky" and "fixed" beside the learner's own; with
 * --scenario, it adds that scenario's to figures made on the same Node.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import memlab from '@memlab/api';
import { findScenario, SCENARIOS, type Scenario, type Side } from './course.ts';
import { PROJECT_ROOT } from './fixtures.ts';
import { formatFigure } from './format.ts';
import { readReferenceFigures, writeReferenceFigures, type ReferenceFigure } from './reference.ts';
import type { MeasureResult, PhaseTimes, Verdict } from './types.ts';

const PHASES: readonly (keyof PhaseTimes)[] = ['start', 'warmup', 'traffic', 'snapshots', 'analysis', 'contract'];
const SIDES: readonly Side[] = ['scenario', 'solution'];

interface Run {
  readonly wallMs: number;
  readonly verdict: Verdict;
}

interface Series {
  readonly scenario: Scenario;
  readonly side: Side;
  readonly runs: Run[];
  memlabAloneMs: number | null;
}

function runCommand(scenario: Scenario, side: Side, keep: boolean): Promise<Run> {
  const args = ['--import', 'tsx', path.join('checker', 'cli.ts'), scenario.number, '--json'];
  if (side === 'solution') args.push('--solution');
  if (keep) args.push('--keep');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      try {
        resolve({ wallMs, verdict: JSON.parse(stdout) as Verdict });
      } catch {
        reject(new Error(`check ${scenario.number} (${side}) exited ${code} without a verdict:\n${stdout}`));
      }
    });
  });
}

/** memlab with its own defaults over the same three snapshots: the floor under our analysis phase. */
async function timeMemlabAlone(snapshots: readonly string[]): Promise<number> {
  const [baseline, target, final] = snapshots as [string, string, string];
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'forgotten-garbage-bench-'));
  memlab.config.errorHandling = 2;
  memlab.config.muteConsole = true;
  const started = performance.now();
  try {
    await memlab.findLeaksBySnapshotFilePaths(baseline, target, final, { workDir });
    return performance.now() - started;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function seconds(ms: number | null): string {
  return ms === null ? '–' : `${(ms / 1000).toFixed(2)} s`;
}

/** The leaky server must fail on every measure (it may break a promise its leak breaks too); the solution must pass. */
function isWrong(side: Side, verdict: Verdict): boolean {
  if (side === 'solution') return verdict.status !== 'pass';
  return verdict.status !== 'fail' || verdict.measures.some((measure) => measure.passed);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column]!.length)));
  const line = (row: readonly string[]): string => row.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), line(widths.map((width) => '─'.repeat(width))), ...rows.map(line)].join('\n');
}

function measuresOf(run: Run): readonly MeasureResult[] {
  return run.verdict.status === 'could-not-check' ? [] : run.verdict.measures;
}

async function main(): Promise<void> {
  if (process.argv.includes('--probe')) {
    const { runProbeBench } = await import('./probe-bench.ts');
    process.exitCode = await runProbeBench(process.argv.slice(2));
    return;
  }
  const { values } = parseArgs({
    options: {
      repeat: { type: 'string', default: '3' },
      scenario: { type: 'string' },
      record: { type: 'boolean', default: false },
    },
  });
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error('--repeat takes a whole number of runs, 1 or more');
  if (values.record && repeat < 3) throw new Error('--record takes the median of at least 3 runs');
  const scenarios = values.scenario ? [findScenario(values.scenario)] : SCENARIOS;

  console.log(`Node ${process.version} on ${os.platform()} ${os.arch()}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'})`);
  console.log(`${repeat} run(s) of each check, leaky and solution, one at a time: node --import tsx checker/cli.ts <n> --json\n`);

  const allSeries: Series[] = [];
  for (const scenario of scenarios) {
    for (const side of SIDES) {
      const series: Series = { scenario, side, runs: [], memlabAloneMs: null };
      for (let i = 0; i < repeat; i++) {
        const last = i === repeat - 1;
        const run = await runCommand(scenario, side, last);
        series.runs.push(run);
        process.stderr.write(`\r\x1b[2K${scenario.folder} ${side === 'scenario' ? 'leaky' : 'solution'} ${i + 1}/${repeat}: ${run.verdict.status} in ${seconds(run.wallMs)}`);
        if (last && run.verdict.status !== 'could-not-check' && run.verdict.snapshots) {
          try {
            series.memlabAloneMs = await timeMemlabAlone(run.verdict.snapshots);
          } finally {
            rmSync(path.dirname(run.verdict.snapshots[0]!), { recursive: true, force: true });
          }
        }
      }
      allSeries.push(series);
    }
  }
  process.stderr.write('\r\x1b[2K');

  console.log('Where the time goes (medians; "command" is the whole check as a learner waits for it):\n');
  console.log(
    table(
      ['scenario', 'server', 'command', ...PHASES, 'memlab alone'],
      allSeries.map((series) => [
        series.scenario.folder,
        series.side === 'scenario' ? 'leaky' : 'solution',
        seconds(median(series.runs.map((run) => run.wallMs))),
        ...PHASES.map((phase) => seconds(median(series.runs.map((run) => run.verdict.times[phase] ?? 0)))),
        seconds(series.memlabAloneMs),
      ]),
    ),
  );

  console.log('\nVerdicts and margins (figure: min / median / max over the runs; margin: leaky median ÷ bar, bar ÷ fixed max):\n');
  const rows: string[][] = [];
  const reference: Record<string, Record<string, ReferenceFigure>> = {};
  let wrongTotal = 0;
  for (const scenario of scenarios) {
    const leaky = allSeries.find((series) => series.scenario === scenario && series.side === 'scenario')!;
    const fixed = allSeries.find((series) => series.scenario === scenario && series.side === 'solution')!;
    const wrongLeaky = leaky.runs.filter((run) => isWrong('scenario', run.verdict)).length;
    const wrongFixed = fixed.runs.filter((run) => isWrong('solution', run.verdict)).length;
    wrongTotal += wrongLeaky + wrongFixed;
    const names = [...new Set([...leaky.runs, ...fixed.runs].flatMap((run) => measuresOf(run).map((measure) => measure.name)))];
    reference[scenario.folder] = {};
    names.forEach((name, index) => {
      const figures = (series: Series): { values: number[]; unit: MeasureResult['unit']; bar: number } => {
        const found = series.runs.flatMap((run) => measuresOf(run).filter((measure) => measure.name === name));
        return { values: found.map((measure) => measure.value), unit: found[0]?.unit ?? 'objects', bar: found[0]?.bar ?? 0 };
      };
      const l = figures(leaky);
      const f = figures(fixed);
      const spread = (values: number[], unit: MeasureResult['unit']): string =>
        values.length ? `${formatFigure(Math.min(...values), unit)} / ${formatFigure(median(values), unit)} / ${formatFigure(Math.max(...values), unit)}` : '–';
      const leakyMargin = l.values.length && l.bar > 0 ? `${(median(l.values) / l.bar).toFixed(1)}×` : l.values.length ? `+${formatFigure(median(l.values), l.unit)}` : '–';
      const fixedMax = f.values.length ? Math.max(...f.values) : null;
      const fixedMargin = fixedMax === null ? '–' : fixedMax === 0 ? '∞' : `${(l.bar / fixedMax).toFixed(1)}×`;
      rows.push([
        index === 0 ? scenario.folder : '',
        name,
        index === 0 ? `${wrongLeaky}/${leaky.runs.length}` : '',
        spread(l.values, l.unit),
        index === 0 ? `${wrongFixed}/${fixed.runs.length}` : '',
        spread(f.values, f.unit),
        formatFigure(l.bar, l.unit),
        leakyMargin,
        fixedMargin,
      ]);
      if (l.values.length && f.values.length) reference[scenario.folder]![name] = { leaky: median(l.values), fixed: median(f.values) };
    });
  }
  console.log(table(['scenario', 'measure', 'leaky wrong', 'leaky figure', 'fixed wrong', 'fixed figure', 'bar', 'leaky margin', 'fixed margin'], rows));
  console.log(`\n${wrongTotal} wrong verdict(s) in ${allSeries.reduce((sum, series) => sum + series.runs.length, 0)} checks.`);

  if (values.record) {
    if (wrongTotal > 0) throw new Error('--record needs runs with no wrong verdict; nothing was written');
    const existing = readReferenceFigures();
    const today = new Date().toISOString().slice(0, 10);
    if (scenarios.length === SCENARIOS.length) {
      writeReferenceFigures({ node: process.version, recorded: today, scenarios: reference });
    } else if (existing?.node === process.version) {
      // One scenario measured again (or a new one): the others keep the figures they have, made on the same Node.
      writeReferenceFigures({ ...existing, recorded: today, scenarios: { ...existing.scenarios, ...reference } });
    } else {
      throw new Error(`--record --scenario adds to figures made on the same Node (${existing?.node ?? 'none recorded yet'}); this is ${process.version}. Record every scenario instead; nothing was written`);
    }
    console.log(`Recorded the median figures in ${path.relative(process.cwd(), path.join(PROJECT_ROOT, 'checker', 'reference.json'))}.`);
  }
  process.exitCode = wrongTotal > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
