/**
 * npm run bench [-- --repeat N] [--scenario N ...] [--against DIR] [--record]
 * npm run bench -- --probe [--repeat N]   npm run probe's false negatives and positives (checker/probe-bench.ts)
 * npm run bench -- --variants [--repeat N] [--scenario N ...] [--server FILE ...] [--load]   wrong verdicts over every variant, on a loaded machine with --load (checker/bench-variants.ts)
 * npm run bench -- --watch [--repeat N] [--scenario N ...] [--against DIR]   save → verdict in watch mode (checker/bench-watch.ts)
 *
 * Runs the check command, as a learner does, on every scenario's leaky server
 * and its solution, N times each (3 by default), and prints:
 * - where the time goes: the median of the whole command and of each phase;
 *   with --against, the same for the kit in DIR (another checkout, its
 *   dependencies installed), run turn about with this one so that both meet
 *   the same load, and the ratio of the two;
 * - how steady the verdicts are: wrong verdicts, and each measure's spread
 *   against its bar (the margin a noisy laptop has to eat into).
 * --record writes the median figures to checker/reference.json, which the
 * verdict shows as "leaky" and "fixed" beside the learner's own; with
 * --scenario, it adds that scenario's to figures made on the same Node.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { checkFile, findScenario, SCENARIOS, type Scenario, type Side } from './course.ts';
import { PROJECT_ROOT } from './fixtures.ts';
import { formatFigure, median } from './format.ts';
import { readReferenceFigures, writeReferenceFigures, type ReferenceFigure } from './reference.ts';
import { loadCheck } from './run.ts';
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
  /** The same checks by the kit named with --against. */
  readonly against: Run[];
}

/** The check command of the kit in `root`, on one scenario's server. */
function runCommand(root: string, scenario: Scenario, side: Side): Promise<Run> {
  // A kit from before the kit's own loader (--against an older checkout) runs under tsx, as it did then.
  const loader = existsSync(path.join(root, 'checker', 'typescript.mjs')) ? pathToFileURL(path.join(root, 'checker', 'typescript.mjs')).href : 'tsx';
  const args = ['--import', loader, path.join('checker', 'cli.ts'), scenario.number, '--json'];
  if (side === 'solution') args.push('--solution');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      try {
        resolve({ wallMs, verdict: JSON.parse(stdout) as Verdict });
      } catch {
        reject(new Error(`check ${scenario.number} (${side}) in ${root} exited ${code} without a verdict:\n${stdout}`));
      }
    });
  });
}

function seconds(ms: number | null): string {
  return ms === null ? '–' : `${(ms / 1000).toFixed(2)} s`;
}

/** The leaky server must fail on every measure (it may break a promise its leak breaks too); the solution must pass. */
function isWrong(side: Side, verdict: Verdict): boolean {
  if (side === 'solution') return verdict.status !== 'pass';
  // A guard measure watches for a leak a fix brings in: the leaky server passes it.
  return verdict.status !== 'fail' || verdict.measures.some((measure) => measure.passed && !measure.guards);
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
  if (process.argv.includes('--variants')) {
    const { runVariantsBench } = await import('./bench-variants.ts');
    process.exitCode = await runVariantsBench(process.argv.slice(2));
    return;
  }
  if (process.argv.includes('--watch')) {
    const { runWatchBench } = await import('./bench-watch.ts');
    process.exitCode = await runWatchBench(process.argv.slice(2));
    return;
  }
  if (process.argv.includes('--probe')) {
    const { runProbeBench } = await import('./probe-bench.ts');
    process.exitCode = await runProbeBench(process.argv.slice(2));
    return;
  }
  const { values } = parseArgs({
    options: {
      repeat: { type: 'string', default: '3' },
      scenario: { type: 'string', multiple: true },
      against: { type: 'string' },
      record: { type: 'boolean', default: false },
    },
  });
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error('--repeat takes a whole number of runs, 1 or more');
  if (values.record && repeat < 3) throw new Error('--record takes the median of at least 3 runs');
  const scenarios = values.scenario ? values.scenario.map(findScenario) : SCENARIOS;
  const against = values.against ? path.resolve(values.against) : null;
  if (against && !existsSync(path.join(against, 'checker', 'cli.ts'))) throw new Error(`--against wants the folder of another copy of the kit; ${against} has no checker/cli.ts`);

  console.log(`Node ${process.version} on ${os.platform()} ${os.arch()}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'})`);
  console.log(`${repeat} run(s) of each check, leaky and solution, one at a time: node --import ./checker/typescript.mjs checker/cli.ts <n> --json`);
  if (against) console.log(`each beside the same check by the kit in ${against}, turn about`);
  console.log('');

  const allSeries: Series[] = [];
  for (const scenario of scenarios) {
    for (const side of SIDES) {
      const series: Series = { scenario, side, runs: [], against: [] };
      for (let i = 0; i < repeat; i++) {
        const label = `${scenario.folder} ${side === 'scenario' ? 'leaky' : 'solution'} ${i + 1}/${repeat}`;
        // Turn about, the other kit first on odd rounds: neither always meets the machine just after the other.
        const order = against && i % 2 === 1 ? [against, PROJECT_ROOT] : [PROJECT_ROOT, ...(against ? [against] : [])];
        for (const root of order) {
          const run = await runCommand(root, scenario, side);
          (root === PROJECT_ROOT ? series.runs : series.against).push(run);
          process.stderr.write(`\r\x1b[2K${label}${root === PROJECT_ROOT ? '' : ' (against)'}: ${run.verdict.status} in ${seconds(run.wallMs)}`);
        }
      }
      allSeries.push(series);
    }
  }
  process.stderr.write('\r\x1b[2K');

  const medianWall = (runs: readonly Run[]): number => median(runs.map((run) => run.wallMs));
  const phaseCells = (runs: readonly Run[]): string[] => PHASES.map((phase) => seconds(median(runs.map((run) => run.verdict.times[phase] ?? 0))));
  console.log('Where the time goes (medians; "command" is the whole check as a learner waits for it):\n');
  console.log(
    table(
      ['scenario', 'server', ...(against ? ['kit'] : []), 'command', ...PHASES],
      allSeries.flatMap((series) => {
        const server = series.side === 'scenario' ? 'leaky' : 'solution';
        const ours = [series.scenario.folder, server, ...(against ? ['this'] : []), seconds(medianWall(series.runs)), ...phaseCells(series.runs)];
        return against ? [ours, ['', '', 'against', seconds(medianWall(series.against)), ...phaseCells(series.against)]] : [ours];
      }),
    ),
  );
  if (against) {
    const ratios = allSeries.map((series) => medianWall(series.runs) / medianWall(series.against));
    console.log(`\nThis kit against ${against} (median command time, this ÷ against):\n`);
    console.log(
      table(
        ['scenario', 'server', 'this', 'against', 'ratio'],
        allSeries.map((series, index) => [
          series.scenario.folder,
          series.side === 'scenario' ? 'leaky' : 'solution',
          seconds(medianWall(series.runs)),
          seconds(medianWall(series.against)),
          `${ratios[index]!.toFixed(2)}×`,
        ]),
      ),
    );
    console.log(`\nMedian ratio ${median(ratios).toFixed(2)}×; all commands: ${seconds(allSeries.reduce((sum, series) => sum + medianWall(series.runs), 0))} against ${seconds(allSeries.reduce((sum, series) => sum + medianWall(series.against), 0))}.`);
    const wrongAgainst = allSeries.reduce((sum, series) => sum + series.against.filter((run) => isWrong(series.side, run.verdict)).length, 0);
    if (wrongAgainst) console.log(`The kit in ${against} gave ${wrongAgainst} wrong verdict(s).`);
  }

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
      const figures = (series: Series, runs = series.runs): { values: number[]; unit: MeasureResult['unit']; bar: number } => {
        const found = runs.flatMap((run) => measuresOf(run).filter((measure) => measure.name === name));
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
        // The other kit's figures, beside ours: a faster engine must see the same memory.
        ...(against ? [spread(figures(leaky, leaky.against).values, l.unit), spread(figures(fixed, fixed.against).values, f.unit)] : []),
      ]);
      if (l.values.length && f.values.length) reference[scenario.folder]![name] = { leaky: median(l.values), fixed: median(f.values) };
    });
  }
  console.log(
    table(['scenario', 'measure', 'leaky wrong', 'leaky figure', 'fixed wrong', 'fixed figure', 'bar', 'leaky margin', 'fixed margin', ...(against ? ['leaky, against', 'fixed, against'] : [])], rows),
  );
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
