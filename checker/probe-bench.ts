/**
 * npm run bench -- --probe [--repeat N]
 *
 * Runs `npm run probe` on every case of test/probe-cases.ts (each scenario's
 * leaky server and solution, probed with its route's requests; the small
 * services in other shapes) and prints, per case, what it found and how long
 * it took, then the false negatives (a leak reported steady, or its retainer
 * not named) and false positives (a steady service reported as growing).
 * Exit 1 when there is any.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  alternativeFixes,
  corpusCases,
  corpusProbeArgs,
  findingText,
  FIX_GROWS_BY_DESIGN,
  pathText,
  placeCorpusCase,
  PROBE_OUT_OF_REACH,
  runProbeCli,
  scenarioProbeArgs,
  SERVICE_PROBES,
  SMALL_GROWTH_BYTES,
  startAttached,
  type AttachedCase,
  type CorpusCase,
  type ProbeRun,
} from '../test/probe-cases.ts';
import { checkFile, SCENARIOS, serverFile } from './course.ts';
import { PROJECT_ROOT } from './fixtures.ts';
import { loadCheck } from './run.ts';

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  /** Names the retainer path must show; null: the case must be steady. */
  readonly leak: readonly string[] | null;
  /** A leak the probe is known not to see, and why: counted apart, not hidden among the right answers. */
  readonly outOfReach?: string;
  /** A fix that keeps a small record per request by design: small growth is its right answer. */
  readonly growsByDesign?: boolean;
  /** A service of the probe's corpus, placed outside the kit (and started by its own command, for --attach) before it is probed. */
  readonly corpus?: CorpusCase;
}

async function cases(bodies: string): Promise<Case[]> {
  const found: Case[] = [];
  for (const scenario of SCENARIOS) {
    const requests = scenarioProbeArgs(scenario.folder, bodies);
    if (!requests) {
      console.log(`${scenario.folder}: no requests in SCENARIO_PROBES (test/probe-cases.ts): not probed`);
      continue;
    }
    const spec = await loadCheck(checkFile(scenario));
    const retainers = spec.measures.flatMap((measure) => (measure.kind === 'heap' && !measure.guards ? [measure.retainer] : []));
    for (const side of ['scenario', 'solution'] as const) {
      const outOfReach = side === 'scenario' ? PROBE_OUT_OF_REACH[scenario.folder] : undefined;
      found.push({
        name: `${scenario.folder} ${side === 'scenario' ? 'leaky' : 'solution'}`,
        args: [path.relative(PROJECT_ROOT, serverFile(scenario, side)), ...requests],
        leak: side === 'scenario' ? retainers : null,
        ...(outOfReach ? { outOfReach } : {}),
        ...(side === 'solution' && FIX_GROWS_BY_DESIGN[scenario.folder] ? { growsByDesign: true } : {}),
      });
    }
    for (const file of alternativeFixes(scenario.folder)) {
      found.push({ name: `${scenario.folder} ${path.basename(file, '.ts')}`, args: [file, ...requests], leak: null, ...(FIX_GROWS_BY_DESIGN[scenario.folder] ? { growsByDesign: true } : {}) });
    }
  }
  for (const service of SERVICE_PROBES) found.push({ name: service.name, args: [service.module, ...service.args], leak: service.leak ? [service.leak] : null });
  for (const kase of corpusCases()) found.push({ name: `corpus ${kase.name}`, args: [], leak: kase.expect === 'grows' ? [...(kase.names ?? [])] : null, corpus: kase });
  return found;
}

function summary(run: ProbeRun): string {
  const result = run.result;
  if (!result) return `no result (exit ${run.code})`;
  if (result.status === 'could-not-probe') return `could not probe: ${result.sentence}`;
  if (result.status === 'steady') return 'steady';
  return result.findings
    .map((finding) =>
      finding.kind === 'heap'
        ? `${finding.a.objects}+${finding.b.objects} ${finding.what} via ${finding.path.root.name}`
        : finding.kind === 'out-of-memory'
          ? `out of memory during ${finding.during}`
          : `${finding.name} +${finding.a}/+${finding.b}`,
    )
    .join('; ');
}

export async function runProbeBench(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { probe: { type: 'boolean' }, repeat: { type: 'string', default: '1' } } });
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error('--repeat takes a whole number of runs, 1 or more');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'fg-probe-bench-'));
  let falseNegatives = 0;
  let falsePositives = 0;
  let couldNot = 0;
  let outOfReach = 0;
  let smallGrowth = 0;
  let runs = 0;
  const corpus = { leaks: 0, found: 0, steady: 0, alarms: 0 };
  const times: number[] = [];
  try {
    console.log(`Node ${process.version}, ${os.cpus().length} cores; ${repeat} probe(s) of each case: node --import tsx checker/probe-cli.ts <module> <requests> --json\n`);
    for (const item of await cases(path.join(tmp, 'bodies'))) {
      for (let i = 0; i < repeat; i++) {
        let args = item.args;
        let attached: AttachedCase | null = null;
        if (item.corpus) {
          const dir = placeCorpusCase(item.corpus, path.join(tmp, `corpus-${runs}`));
          if (item.corpus.attach) attached = await startAttached(dir, item.corpus.attach.start);
          args = corpusProbeArgs(item.corpus, dir, attached);
        }
        const run = await runProbeCli([...args, '--json'], tmp).finally(() => attached?.child.kill());
        const named = item.corpus ? findingText(run.result) : pathText(run.result);
        runs++;
        times.push(run.wallMs);
        const status = run.result?.status;
        let verdict = 'right';
        if (status === 'could-not-probe' || !run.result) {
          couldNot++;
          verdict = 'COULD NOT PROBE';
        } else if (item.outOfReach) {
          outOfReach++;
          verdict = status === 'steady' ? 'out of reach (known)' : 'found, though out of reach';
        } else if (item.leak && (status !== 'grows' || !item.leak.every((name) => named.includes(name)))) {
          falseNegatives++;
          verdict = status === 'grows' ? 'FALSE NEGATIVE (retainer not named)' : 'FALSE NEGATIVE';
        } else if (item.growsByDesign && run.result.status === 'grows' && run.result.findings.every((finding) => finding.kind === 'heap' && Math.max(finding.a.bytes, finding.b.bytes) < SMALL_GROWTH_BYTES)) {
          smallGrowth++;
          verdict = 'small growth (by design)';
        } else if (!item.leak && status !== 'steady') {
          falsePositives++;
          verdict = 'FALSE POSITIVE';
        }
        if (item.corpus) {
          if (item.leak) {
            corpus.leaks++;
            if (verdict === 'right') corpus.found++;
          } else {
            corpus.steady++;
            if (verdict !== 'right') corpus.alarms++;
          }
        }
        console.log(`${item.name.padEnd(50)} ${(item.leak ? 'leaks' : 'steady').padEnd(7)} ${verdict.padEnd(6)} ${(run.wallMs / 1000).toFixed(1).padStart(5)} s  ${summary(run)}`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`\n${runs} probes: ${falseNegatives} false negative(s), ${falsePositives} false positive(s), ${couldNot} could not probe; ${outOfReach} of a leak known to be out of the probe's reach (${numbersOf(PROBE_OUT_OF_REACH)}); ${smallGrowth} of a fix with small growth by design (${numbersOf(FIX_GROWS_BY_DESIGN)}); median ${(sorted[Math.floor(sorted.length / 2)]! / 1000).toFixed(1)} s a probe.`);
  console.log(`The corpus of services outside the kit (test/probe-corpus): ${corpus.found} of ${corpus.leaks} leak probes found and named (recall ${corpus.leaks ? Math.round((100 * corpus.found) / corpus.leaks) : 100} %), ${corpus.alarms} false alarm(s) in ${corpus.steady} probes of steady services.`);
  return falseNegatives + falsePositives + couldNot > 0 ? 1 : 0;
}

/** "04, 06, 10": the scenario numbers a table of test/probe-cases.ts names. */
function numbersOf(table: Readonly<Record<string, string>>): string {
  return Object.keys(table)
    .map((folder) => folder.slice(0, 2))
    .join(', ');
}
