/**
 * npm run demo <scenario> [-- --seconds N]
 *
 * See the symptom before fixing it: start the scenario's leaky server, send
 * its traffic round after round, and draw its memory live in the terminal;
 * then the same for the solution, and the two side by side. Ctrl-C moves on
 * to the solution, and a second Ctrl-C ends the demo.
 */
import pc from 'picocolors';
import { checkFile, findScenario, listScenarios, originalServerFile, serverFile, type Scenario, type Side } from './course.ts';
import { npmTookNote, parseCommandArgs } from './command-args.ts';
import { CouldNotCheck, UsageError } from './errors.ts';
import { ensureFixtures } from './fixtures.ts';
import { formatBytes, formatFigure, SYMBOLS } from './format.ts';
import type { Probe } from './protocol.ts';
import { createCheckContext, loadCheck, TIMEOUTS } from './run.ts';
import { ServerProcess } from './server-process.ts';
import type { CheckSpec, ProbeMeasure, ResourceMeasure } from './types.ts';
import { cleanUpEverything, createWorkspace } from './workspace.ts';

export const DEMO_USAGE = `Usage: npm run demo <scenario> [-- --seconds N]

Starts the scenario's leaky server (as the kit ships it, whatever you have
changed in yours), sends it the check's traffic again and
again, and draws its memory as it grows; then does the same for the solution,
so that you can compare the two. Ctrl-C moves on to the solution; a second
Ctrl-C ends the demo.

  <scenario>     a number (1, 01) or a folder name (01-download-cache)

Options:
  --seconds N    how long to run each server (default 20)
  -h, --help     show this help

Scenarios:
${listScenarios()}`;

/** A server that has grown this much has made the point; stop before it strains the laptop. */
const RSS_LIMIT = 1024 * 1024 * 1024;
const WIDTH = 36;

interface Series {
  readonly label: string;
  readonly unit: 'bytes' | 'objects';
  readonly values: number[];
}

export function sparkline(values: readonly number[], width = WIDTH): string {
  const shown = values.slice(-width);
  if (shown.length === 0) return '';
  const low = Math.min(...shown);
  const high = Math.max(...shown);
  return shown.map((value) => SYMBOLS.spark[high === low ? 0 : Math.round(((value - low) / (high - low)) * (SYMBOLS.spark.length - 1))]).join('');
}

function seriesFor(spec: CheckSpec): Array<Series & { read: (probe: Probe) => number }> {
  const probeMeasures = spec.measures.filter((measure): measure is ProbeMeasure => measure.kind === 'probe');
  // What the heap does not show (open descriptors, say): the first instrument this platform can read.
  // A guard measure watches for a leak a fix brings in: the leaky server's line would stay flat.
  const resourceMeasures = spec.measures.filter((measure): measure is ResourceMeasure => measure.kind === 'resources' && !measure.guards);
  return [
    { label: 'heapUsed', unit: 'bytes', values: [], read: (probe) => probe.memory.heapUsed },
    { label: 'external', unit: 'bytes', values: [], read: (probe) => probe.memory.external },
    { label: 'arrayBuffers', unit: 'bytes', values: [], read: (probe) => probe.memory.arrayBuffers },
    { label: 'rss', unit: 'bytes', values: [], read: (probe) => probe.memory.rss },
    ...probeMeasures.map((measure) => ({ label: measure.name, unit: measure.unit, values: [], read: measure.read })),
    ...resourceMeasures.map((measure) => ({
      label: measure.instruments[0]?.name ?? measure.name,
      unit: measure.unit,
      values: [],
      read: (probe: Probe) => measure.instruments.map((instrument) => instrument.read(probe)).find((value) => value !== null) ?? 0,
    })),
  ];
}

function render(title: string, series: readonly Series[], rounds: number, seconds: number): string[] {
  const labelWidth = Math.min(24, Math.max(...series.map((one) => one.label.length)));
  return [
    pc.bold(title) + pc.dim(`  round ${rounds} · ${seconds.toFixed(0)} s`),
    ...series.map((one) => {
      const last = one.values.at(-1) ?? 0;
      const label = one.label.length > labelWidth ? `${one.label.slice(0, labelWidth - 1)}…` : one.label;
      // The line must not wrap: the redraw moves the cursor up by lines.
      const width = Math.max(8, Math.min(WIDTH, (process.stdout.columns || 80) - 1 - (2 + labelWidth + 2 + 10 + 2)));
      return `  ${label.padEnd(labelWidth)}  ${formatFigure(last, one.unit).padStart(10)}  ${pc.cyan(sparkline(one.values, width))}`;
    }),
  ];
}

interface SideResult {
  readonly side: Side;
  readonly series: readonly Series[];
  readonly rounds: number;
  readonly stoppedBecause: string;
}

async function runSide(scenario: Scenario, spec: CheckSpec, side: Side, seconds: number, skip: { requested: boolean }): Promise<SideResult> {
  // The leaky server as shipped, whatever the learner has done to their copy: the demo shows the symptom.
  const file = side === 'scenario' ? originalServerFile(scenario) : serverFile(scenario, side);
  const title = `${scenario.number} ${scenario.title} · ${side === 'scenario' ? 'the leaky server' : 'the solution'}`;
  const series = seriesFor(spec);
  const workspace = createWorkspace();
  const interactive = process.stdout.isTTY;
  let server: ServerProcess | null = null;
  let drawn = 0;
  let rounds = 0;
  let stoppedBecause = `${seconds} s are up`;
  let started = performance.now();
  const draw = (): void => {
    const lines = render(title, series, rounds, (performance.now() - started) / 1000);
    if (interactive) {
      if (drawn) process.stdout.write(`\x1b[${drawn}A`);
      process.stdout.write(lines.map((line) => `\x1b[2K${line}\n`).join(''));
      drawn = lines.length;
    } else {
      const [rss, ...rest] = [series[3]!, ...series.filter((_, index) => index !== 3)];
      const figures = [rss, ...rest].map((one) => `${one.label} ${formatFigure(one.values.at(-1) ?? 0, one.unit)}`).join(' · ');
      console.log(`${side === 'scenario' ? 'leaky' : 'fixed'} round ${rounds}: ${figures}`);
    }
  };
  try {
    const filesDir = spec.growingFiles?.length ? workspace.ownFiles(spec.growingFiles) : undefined;
    server = await ServerProcess.start(file, { startTimeoutMs: TIMEOUTS.startMs, env: { FG_UPLOADS_DIR: workspace.uploadsDir, ...(filesDir ? { FG_FILES_DIR: filesDir } : {}) } });
    const running = server;
    // The demo shows memory; whether the service keeps its promises is the check's business.
    const context = createCheckContext(running, workspace.uploadsDir, () => undefined, undefined, filesDir);
    const sample = async (): Promise<Probe> => {
      const probe = await running.probe();
      for (const one of series) one.values.push(one.read(probe));
      draw();
      return probe;
    };
    await spec.warmup(context);
    await context.settle();
    // The clock runs from here: starting and warming up are not the traffic.
    started = performance.now();
    await sample();
    while (!skip.requested) {
      if (performance.now() - started > seconds * 1000) break;
      await spec.traffic(context);
      await context.settle();
      rounds += 1;
      const probe = await sample();
      if (probe.memory.rss > RSS_LIMIT) {
        stoppedBecause = `the server reached ${formatBytes(RSS_LIMIT)}`;
        break;
      }
    }
    if (skip.requested) stoppedBecause = 'Ctrl-C';
  } catch (error) {
    if (!(error instanceof CouldNotCheck)) throw error;
    stoppedBecause = server?.ended?.sentence ?? error.sentence;
    if (!skip.requested) console.log(pc.yellow(`  The demo stopped: ${stoppedBecause}`));
  } finally {
    await server?.stop();
    workspace.dispose(false);
  }
  if (!interactive) draw();
  console.log(pc.dim(`  stopped: ${stoppedBecause}\n`));
  return { side, series, rounds, stoppedBecause };
}

function compare(results: readonly SideResult[]): string {
  const [leaky, fixed] = results;
  if (!leaky || !fixed) return '';
  // Wide enough for every label: a measure's name is the only thing that says what a row counts.
  const labelWidth = Math.max(24, ...leaky.series.map((one) => one.label.length));
  const rows = leaky.series.map((one, index) => {
    const other = fixed.series[index]!;
    const growth = (values: readonly number[]) => (values.at(-1) ?? 0) - (values[0] ?? 0);
    return `  ${one.label.padEnd(labelWidth)}  ${formatFigure(growth(one.values), one.unit).padStart(10)} in ${String(leaky.rounds).padStart(2)} rounds   ${formatFigure(growth(other.values), other.unit).padStart(10)} in ${String(fixed.rounds).padStart(2)} rounds`;
  });
  const heading = `${'Growth since the first sample'.padEnd(labelWidth + 2)}  ${'leaky'.padStart(10)}${' '.repeat(16)}${'fixed'.padStart(10)}`;
  return [pc.bold(heading), ...rows].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandArgs('demo', argv, { seconds: { type: 'string', example: '30' }, help: { type: 'boolean', short: 'h' } }, process.env);
  if (parsed.fromNpm.length) console.error(pc.dim(npmTookNote('demo', parsed.positionals, parsed.fromNpm)));
  if (parsed.values.help) {
    console.log(DEMO_USAGE);
    return 0;
  }
  const [name, ...extra] = parsed.positionals;
  if (!name) throw new UsageError(`Which scenario? For example: npm run demo 1\n\n${DEMO_USAGE}`);
  if (extra.length) throw new UsageError(`Show one scenario at a time (got ${parsed.positionals.join(', ')}).`);
  const seconds = Number(parsed.values.seconds ?? 20);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--seconds wants a number of seconds above 0 (got "${parsed.values.seconds}").`);
  const scenario = findScenario(name);
  const spec = await loadCheck(checkFile(scenario));
  ensureFixtures();

  const skip = { requested: false };
  let presses = 0;
  process.on('exit', cleanUpEverything);
  process.on('SIGINT', () => {
    presses += 1;
    skip.requested = true;
    if (presses >= 2) {
      cleanUpEverything();
      process.exit(130);
    }
  });
  const results: SideResult[] = [];
  for (const side of ['scenario', 'solution'] as const) {
    skip.requested = false;
    results.push(await runSide(scenario, spec, side, seconds, skip));
    if (presses >= 2) break;
  }
  console.log(compare(results));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(error.message);
      process.exitCode = 2;
      return;
    }
    throw error;
  },
);
