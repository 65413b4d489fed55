/**
 * `npm run slides:figures [n…]`: check each scenario's leaky server and its
 * solution with the memory timeline on, record what the runs saw in
 * slides/figures/figures.json and draw it as SVG beside it (the npm script
 * then assembles the deck again). With scenario numbers, only those are
 * measured again; the others keep their figures.
 *
 * Each check runs in a process of its own, as `npm run check` runs it: a
 * check module may keep what its traffic sent at module level, and a second
 * run in the same process would find the first run's state there.
 */
import { writeDeck } from './assemble.ts';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkFile, findScenario, learnerFiles, originalFile, SCENARIOS, scenarioDir, serverFile, type Scenario } from '../checker/course.ts';
import { formatSeconds } from '../checker/format.ts';
import { runCheck } from '../checker/run.ts';
import type { MeasureResult, TimelinePoint, Verdict } from '../checker/types.ts';
import { FIGURES_DIR, FIGURES_FILE, formatDeckFigures, readDeckFigures, type MeasureFigures, type MeasureKind, type ScenarioFigures } from './figures-data.ts';
import { drawFigures } from './svg.ts';

type Measured = Extract<Verdict, { status: 'pass' | 'fail' }>;

/** The kind of measure a result came from, told by what the result carries. */
function kindOf(measure: MeasureResult): MeasureKind {
  if (measure.sampled) return 'peak';
  if (measure.instrument !== undefined || measure.unavailable !== undefined || measure.notMeasured) return 'resources';
  if (measure.describe !== undefined) return 'heap';
  return 'probe';
}

async function check(scenario: Scenario, file: string, what: string): Promise<Measured> {
  const started = performance.now();
  process.stdout.write(`  ${scenario.number} ${what} … `);
  const verdict = await checkInItsOwnProcess(file, checkFile(scenario));
  if (verdict.status === 'could-not-check') throw new Error(`${scenario.folder} (${what}) could not be checked: ${verdict.sentence}`);
  console.log(`${verdict.status.toUpperCase()} in ${formatSeconds(performance.now() - started)}`);
  // Say why, so that a failure that is not the leak (a broken contract on a busy machine) is seen before it is drawn.
  for (const breach of verdict.breaches) console.log(`    contract: ${breach}`);
  for (const measure of verdict.measures.filter((result) => !result.passed)) console.log(`    over the bar: ${measure.name}`);
  return verdict;
}

/** Run one check in a child process (this script with --one), which writes its verdict as JSON to a file. */
async function checkInItsOwnProcess(server: string, check: string): Promise<Verdict> {
  const dir = mkdtempSync(path.join(tmpdir(), 'slides-figures-'));
  const out = path.join(dir, 'verdict.json');
  try {
    await promisify(execFile)(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--one', server, check, out], {
      maxBuffer: 16 * 1024 * 1024,
    });
    return JSON.parse(readFileSync(out, 'utf8')) as Verdict;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The child's side: one check, with the memory timeline on, its verdict written to `out`. */
async function checkOne(server: string, check: string, out: string): Promise<void> {
  const verdict = await runCheck({ serverFile: server, checkFile: check, timeline: true });
  writeFileSync(out, JSON.stringify(verdict));
}

function peak(points: readonly TimelinePoint[]): ScenarioFigures['peak']['leaky'] {
  return {
    heapUsed: Math.max(0, ...points.map((point) => point.heapUsed)),
    arrayBuffers: Math.max(0, ...points.map((point) => point.arrayBuffers)),
    rss: Math.max(0, ...points.map((point) => point.rss)),
  };
}

/** Whole milliseconds: the chart needs no more, and the JSON stays readable. */
function rounded(points: readonly TimelinePoint[]): TimelinePoint[] {
  return points.map((point) => ({ ...point, ms: Math.round(point.ms) }));
}

async function measureScenario(scenario: Scenario, node: string, recorded: string): Promise<ScenarioFigures> {
  // The figures are the kit's: a working copy the learner has edited would tell another story.
  for (const file of learnerFiles(scenario)) {
    if (readFileSync(path.join(scenarioDir(scenario, 'scenario'), file), 'utf8') !== readFileSync(originalFile(scenario, file), 'utf8')) {
      throw new Error(`scenarios/${scenario.folder}/${file} differs from the original: run \`npm run reset ${Number(scenario.number)}\` first.`);
    }
  }
  const leaky = await check(scenario, serverFile(scenario, 'scenario'), 'leaky');
  const fixed = await check(scenario, serverFile(scenario, 'solution'), 'fixed');
  const measures = leaky.measures.map((measure, index): MeasureFigures => {
    const after = fixed.measures.find((candidate) => candidate.name === measure.name);
    if (!after) throw new Error(`${scenario.folder}: the fixed run has no measure "${measure.name}"`);
    const kind = kindOf(measure);
    return {
      name: measure.name,
      kind,
      unit: measure.unit,
      bar: measure.bar,
      leaky: measure.value,
      fixed: after.value,
      ...(measure.objects !== undefined ? { leakyObjects: measure.objects } : {}),
      ...(measure.describe ? { describe: measure.describe } : {}),
      ...(measure.instrument ? { instrument: measure.instrument } : {}),
      ...(measure.sampled && after.sampled ? { sampled: { leaky: measure.sampled, fixed: after.sampled } } : {}),
      // A retainer path where the heap diff found one; otherwise the instrument's figure, leaky beside fixed.
      ...(measure.path
        ? { path: measure.path, pathFigure: `${scenario.number}-path-${index + 1}.svg` }
        : kind !== 'heap'
          ? { measureFigure: `${scenario.number}-measure-${index + 1}.svg` }
          : {}),
    };
  });
  return {
    number: scenario.number,
    title: scenario.title,
    node,
    recorded,
    leakyStatus: leaky.status,
    fixedStatus: fixed.status,
    memoryFigure: `${scenario.number}-memory.svg`,
    peak: { leaky: peak(leaky.timeline ?? []), fixed: peak(fixed.timeline ?? []) },
    measures,
    timeline: { leaky: rounded(leaky.timeline ?? []), fixed: rounded(fixed.timeline ?? []) },
  };
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const chosen = wanted.length ? wanted.map(findScenario) : SCENARIOS.filter((scenario) => existsSync(scenarioDir(scenario, 'solution')));
  const node = process.version;
  const recorded = new Date().toISOString().slice(0, 10);
  mkdirSync(FIGURES_DIR, { recursive: true });
  const previous = readDeckFigures()?.scenarios ?? {};
  const scenarios: Record<string, ScenarioFigures> = { ...previous };
  console.log(`Measuring ${chosen.length} scenario(s) on Node ${node}, leaky and fixed:`);
  for (const scenario of chosen) {
    scenarios[scenario.folder] = await measureScenario(scenario, node, recorded);
  }
  // In course order, so the file reads like the deck.
  const ordered = Object.fromEntries(SCENARIOS.filter((scenario) => scenarios[scenario.folder]).map((scenario) => [scenario.folder, scenarios[scenario.folder]!]));
  writeFileSync(FIGURES_FILE, formatDeckFigures({ scenarios: ordered }));
  drawFigures(Object.values(ordered));
  console.log(`Wrote ${path.relative(process.cwd(), FIGURES_FILE)} and the SVGs beside it.`);
  console.log(`Wrote ${path.relative(process.cwd(), writeDeck())}.`);
}

const one = process.argv.indexOf('--one');
(one >= 0 ? checkOne(process.argv[one + 1]!, process.argv[one + 2]!, process.argv[one + 3]!) : main()).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
