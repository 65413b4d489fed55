/**
 * npm run bench -- --variants [--repeat N] [--scenario N ...] [--load]
 *
 * Runs the check on every scenario's leaky server, its solution and every
 * server in test/variants/<folder>/, N times each (1 by default), and counts
 * the wrong verdicts: the leaky server and half-fix-*.ts must FAIL (half-fix-
 * contract-*.ts and dropped-feature.ts on the contract, the others on memory),
 * the solution and alternative-*.ts must PASS. With --load, a busy loop runs on
 * every core for the whole bench (started and stopped by it), so that a
 * verdict that depends on the machine's speed shows as a wrong one. The
 * checks run in one checker process that stays loaded (checker/warm.ts), as
 * the suite's do; the time printed is a check's, without starting a checker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { startWarmChecker, type WarmChecker } from './warm-checker.ts';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findScenario, originalServerFile, SCENARIOS, serverFile, type Scenario } from './course.ts';
import type { CouldNotCheckReason } from './errors.ts';
import { PROJECT_ROOT } from './fixtures.ts';
import type { Verdict } from './types.ts';

/**
 * Half fixes that leave a request unanswered on a path the check sends (an
 * error while storing, say): the check cannot measure past a connection that
 * never ends, and says so, with the request, instead of a verdict.
 */
export const HANGS_HALF_FIX = 'half-fix-hangs-';
/** Half fixes that answer requests with server errors (500) under the check's traffic: the check says so, and where. */
export const ERRORS_HALF_FIX = 'half-fix-errors-';
export const NEVER_ANSWERS: ReadonlySet<CouldNotCheckReason> = new Set(['connections left open', 'request hung']);

/**
 * Variants whose truth is Node's to decide: from some Node major on, their verdict is another than their name says,
 * because Node itself behaves otherwise there, and the check judges the Node it runs on. Each entry was found by
 * `npm run bench -- --variants` on that Node and proven by hand:
 * - 02's alternative-await-finished removes its listener after `await finished(res)`: up to Node 22 that resolves for
 *   a client that hung up mid-transfer; Node 24 rejects (ERR_STREAM_PREMATURE_CLOSE), the removal is skipped, and each
 *   such download keeps its listener and its file's bytes.
 * - 07's, 11's and 12's pipeline alternatives call `pipeline(file, res)` after the handler's awaits: up to Node 22, a
 *   response closed meanwhile makes pipeline destroy the file; Node 24 throws ERR_STREAM_UNABLE_TO_PIPE and leaves the
 *   file open (the check names each descriptor and its line; the solutions look at `res.destroyed` first). So do
 *   the red team's contract half fixes of 11 whose downloads do the same: on Node 24 they leak as well. So do 01's
 *   alternatives that stream the larger files (stat-then-stream, stream-big-capped-log, stream-big-with-pipeline)
 *   since its check cuts log downloads off at each of the handler's awaits (a descriptor each, named with its line).
 * - 11's web-stream contract half fixes (Readable.toWeb, CompressionStream, Writable.toWeb) read ahead without bound up
 *   to Node 22; Node 24's adapters hold back, so they stream as the README asks. One of them,
 *   half-fix-contract-compressionstream-pipeline, lets an AbortError from Node 24's adapter go uncaught at the first
 *   hang-up: the server crashes, and the check says so. Another, half-fix-contract-web-streams-compressionstream,
 *   crashes up to Node 22 when a paused gzip client hangs up ("Invalid state: Controller is already closed", uncaught
 *   in node:internal/webstreams), as the contract's paused clients do (`before`: the verdict on the Nodes before).
 *   Round 13's 07 half-fix-contract-web-streams (Readable.toWeb into pipeTo) streams on Node 24 and passes there;
 *   its 11 half-fix-contract-web-streams-toweb-r13 leaves a descriptor per cancelled download on Node 24 (the check names
 *   each; seen by the check on 24.22.3, not yet reproduced by hand).
 * - 05's half-fix-tolowercase keeps `id.toLowerCase()` of an already lower-case ID: V8 up to Node 22 answers the same
 *   sliced string (and the whole log behind it); Node 24's answers a flat copy (%DebugPrint: [String], not
 *   SLICED_ONE_BYTE_STRING_TYPE), so there it is a fix.
 * - 07's half-fix-contract-filehandle-webstream pipes into `Writable.toWeb(res)`, which ignored backpressure up to
 *   Node 22 (nodejs/node#62986): on Node 24 it streams as it should, and passes. So does 08's half-fix-web-towritable
 *   (a client that reads nothing: 0.8 MiB held on Node 24, 20 MiB on Node 22).
 * - 08's alternative-socket-drain waits for 'drain' only when `res.socket.writableLength > 0` right after res.write():
 *   up to Node 22 the write is in the socket's buffer by then; Node 24's response keeps the chunks of a corked write
 *   in its own buffer (socket.writableLength 0, res.writableLength 100140 after a 100 kB write), so it never waits
 *   and queues the whole export.
 * - 08's half-fix-readable-from-all-lines pipes 180,000 lines, one small string each, into the response: Node 24.22
 *   never emits 'drain' for a response fed small strings with accents (writableNeedDrain stays true with
 *   writableLength 0; 20,000 writes of "Müller, Köln, 12.34" waiting for 'drain' stop at 64 kB, and the same in
 *   ASCII ends), so the export never ends, for a fast client too: the check cannot measure past it.
 * - 09's half-fix-both-web-streams-default-strategy pipes Readable.toWeb(req) into Writable.toWeb(file): on Node 24
 *   both hold back (a client can push 5 MiB at a sink that never finishes a write, 53 MiB on Node 20), and pipeTo
 *   rejects (ECONNRESET) for a request aborted before its body instead of resolving, so nothing empty is committed.
 * - 10's half-fix-weakmap-by-server lists hang-ups in a WeakMap keyed by the http.Server: on Node 20 the shortest path
 *   to the list runs through the WeakMap (22 KiB gained, FAIL); on Node 24 through the Server, which the harness
 *   holds, and the state line reads 936 B (the hole of open-hole-weakmap-socket-history, on Node 24 only).
 * - 10's half-fix-failed-uploads-base64 keeps what an abandoned upload sent: up to Node 22 it has read none of it when
 *   the client hangs up (0 B kept, a hole left open: the check hangs up once the bytes are sent, not once the server
 *   has read them); Node 24's streams read ahead, it keeps two chunks, and the bytes line catches it.
 */
export const VERDICT_FROM_NODE: Readonly<Record<string, { readonly from: number; readonly expected: Expected; readonly before?: Expected }>> = {
  '01-download-cache/alternative-stat-then-stream.ts': { from: 24, expected: 'fail on memory' },
  '01-download-cache/alternative-stream-big-capped-log.ts': { from: 24, expected: 'fail on memory' },
  '01-download-cache/alternative-stream-big-with-pipeline.ts': { from: 24, expected: 'fail on memory' },
  '01-download-cache/alternative-stream-large-files.ts': { from: 24, expected: 'fail on memory' },
  '02-file-change-listener/alternative-await-finished.ts': { from: 24, expected: 'fail on memory' },
  '05-log-search/half-fix-tolowercase.ts': { from: 24, expected: 'pass' },
  '07-aborted-downloads/alternative-pipeline-3.ts': { from: 24, expected: 'fail on memory' },
  '07-aborted-downloads/alternative-pipeline-bare.ts': { from: 24, expected: 'fail on memory' },
  '07-aborted-downloads/alternative-pipeline-callback.ts': { from: 24, expected: 'fail on memory' },
  '07-aborted-downloads/alternative-stream-promises-pipeline.ts': { from: 24, expected: 'fail on memory' },
  '07-aborted-downloads/alternative-weakref-finalization.ts': { from: 24, expected: 'fail on memory' },
  '07-aborted-downloads/half-fix-contract-filehandle-webstream.ts': { from: 24, expected: 'pass' },
  '08-csv-export/alternative-socket-drain.ts': { from: 24, expected: 'fail on memory' },
  '08-csv-export/half-fix-readable-from-all-lines.ts': { from: 24, expected: 'never answers' },
  '08-csv-export/half-fix-web-towritable.ts': { from: 24, expected: 'pass' },
  '09-upload-endpoint/half-fix-both-web-streams-default-strategy.ts': { from: 24, expected: 'pass' },
  '10-request-tracing/half-fix-weakmap-by-server.ts': { from: 24, expected: 'pass' },
  '10-request-tracing/half-fix-failed-uploads-base64.ts': { from: 24, expected: 'fail on memory', before: 'pass' },
  '11-gzip-downloads/alternative-close-after-pipeline-destroy-closes.ts': { from: 24, expected: 'fail on memory' },
  '11-gzip-downloads/alternative-multi-encoding.ts': { from: 24, expected: 'fail on memory' },
  '11-gzip-downloads/alternative-pipeline-2.ts': { from: 24, expected: 'fail on memory' },
  '11-gzip-downloads/alternative-pipeline-both-branches.ts': { from: 24, expected: 'fail on memory' },
  '11-gzip-downloads/alternative-pipeline.ts': { from: 24, expected: 'fail on memory' },
  '11-gzip-downloads/alternative-weakref-finalization.ts': { from: 24, expected: 'fail on memory' },
  '11-gzip-downloads/half-fix-contract-accept-includes.ts': { from: 24, expected: 'fail on memory' },
  '11-gzip-downloads/half-fix-contract-brotli-in-memory.ts': { from: 24, expected: 'fail on memory' },
  '11-gzip-downloads/half-fix-contract-deflate-buffered.ts': { from: 24, expected: 'fail on memory' },
  '11-gzip-downloads/half-fix-contract-compressionstream-pipeline.ts': { from: 24, expected: 'crashes' },
  '11-gzip-downloads/half-fix-contract-web-streams-compressionstream.ts': { from: 24, expected: 'pass', before: 'crashes' },
  '07-aborted-downloads/half-fix-contract-web-streams.ts': { from: 24, expected: 'pass' },
  '11-gzip-downloads/half-fix-contract-web-streams-toweb-r13.ts': { from: 24, expected: 'fail on memory' },
  '11-gzip-downloads/half-fix-contract-web-streams-toweb-2.ts': { from: 24, expected: 'fail on memory' },
  '11-gzip-downloads/half-fix-contract-web-streams-toweb.ts': { from: 24, expected: 'pass' },
  '11-gzip-downloads/half-fix-contract-webstreams.ts': { from: 24, expected: 'pass' },
  '12-the-incident/alternative-abortcontroller-pipeline.ts': { from: 24, expected: 'fail on memory' },
  '12-the-incident/alternative-copybytes-pipeline.ts': { from: 24, expected: 'fail on memory' },
  '12-the-incident/alternative-lazy-single-listener.ts': { from: 24, expected: 'fail on memory' },
  '12-the-incident/alternative-pipeline-callback.ts': { from: 24, expected: 'fail on memory' },
  '12-the-incident/alternative-pipeline-events-on-stall.ts': { from: 24, expected: 'fail on memory' },
  '12-the-incident/alternative-stat-versioned-cache.ts': { from: 24, expected: 'fail on memory' },
  '12-the-incident/alternative-version-stamp.ts': { from: 24, expected: 'fail on memory' },
};

/** The verdict the variant `file` of `folder` must get on the Node running this, when Node decides it; else null. */
export function expectedOnThisNode(folder: string, file: string): Expected | null {
  const entry = VERDICT_FROM_NODE[`${folder}/${file}`];
  if (!entry) return null;
  return Number(process.versions.node.split('.')[0]) >= entry.from ? entry.expected : (entry.before ?? null);
}

export type Expected = 'fail on memory' | 'fail on the contract' | 'never answers' | 'answers server errors' | 'crashes' | 'pass';

interface Subject {
  readonly scenario: Scenario;
  /** Relative to the project. */
  readonly server: string;
  readonly expected: Expected;
}

function subjects(scenario: Scenario): Subject[] {
  const relative = (file: string): string => path.relative(PROJECT_ROOT, file);
  const found: Subject[] = [
    { scenario, server: relative(originalServerFile(scenario)), expected: 'fail on memory' },
    { scenario, server: relative(serverFile(scenario, 'solution')), expected: 'pass' },
  ];
  const dir = path.join(PROJECT_ROOT, 'test', 'variants', scenario.folder);
  for (const file of existsSync(dir) ? readdirSync(dir).sort() : []) {
    if (!file.endsWith('.ts')) continue;
    const expected: Expected | null =
      expectedOnThisNode(scenario.folder, file) ??
      (file === 'dropped-feature.ts' || file.startsWith('half-fix-contract-')
        ? 'fail on the contract'
        : file.startsWith(HANGS_HALF_FIX)
          ? 'never answers'
          : file.startsWith(ERRORS_HALF_FIX)
            ? 'answers server errors'
          : file.startsWith('half-fix-')
            ? 'fail on memory'
            : file.startsWith('alternative-')
              ? 'pass'
              : null);
    if (expected) found.push({ scenario, server: path.join('test', 'variants', scenario.folder, file), expected });
  }
  return found;
}

/** What a verdict shows, in the words of `Expected`. */
function got(verdict: Verdict | null): string {
  if (!verdict) return 'no verdict';
  if (verdict.status === 'could-not-check') return `could not check (${verdict.reason})`;
  if (verdict.status === 'pass') return 'pass';
  const memory = verdict.measures.some((measure) => !measure.passed);
  return memory ? 'fail on memory' : 'fail on the contract';
}

/** A leaky server may break a promise as well as leak (03, 10): failing on memory is what counts. */
export function isRight(expected: Expected, verdict: Verdict | null): boolean {
  if (expected === 'never answers') return verdict?.status === 'could-not-check' && NEVER_ANSWERS.has(verdict.reason);
  if (expected === 'crashes') return verdict?.status === 'could-not-check' && verdict.reason === 'crashed';
  if (expected === 'answers server errors') return verdict?.status === 'could-not-check' && verdict.reason === 'server errors';
  if (!verdict || verdict.status === 'could-not-check') return false;
  if (expected === 'pass') return verdict.status === 'pass';
  if (verdict.status !== 'fail') return false;
  const memory = verdict.measures.some((measure) => !measure.passed);
  return expected === 'fail on memory' ? memory : !memory && verdict.breaches.length > 0;
}

/** One check by the warm checker: the check command's verdict, and how long it took. */
async function check(checker: WarmChecker, subject: Subject): Promise<{ verdict: Verdict | null; wallMs: number }> {
  const started = performance.now();
  const { verdict } = await checker.check(subject.scenario.number, subject.server);
  return { verdict, wallMs: performance.now() - started };
}

/** A busy loop on every core, each ending by itself after `maxMs` should the bench die first. */
function loadEveryCore(maxMs: number): ChildProcess[] {
  return os.cpus().map(() => spawn(process.execPath, ['-e', `const end = Date.now() + ${maxMs}; while (Date.now() < end);`], { stdio: 'ignore' }));
}

export async function runVariantsBench(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { variants: { type: 'boolean' }, repeat: { type: 'string', default: '1' }, scenario: { type: 'string', multiple: true }, server: { type: 'string', multiple: true }, load: { type: 'boolean', default: false } },
  });
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error('--repeat takes a whole number of runs, 1 or more');
  const scenarios = values.scenario ? values.scenario.map(findScenario) : SCENARIOS;
  // --server FILE …: only these servers (paths relative to the project), say the variants a round of the red team added.
  const only = values.server ? new Set(values.server.map((file) => path.normalize(file))) : null;
  const all = scenarios.flatMap(subjects).filter((subject) => !only || only.has(path.normalize(subject.server)));
  console.log(`Node ${process.version}, ${os.cpus().length} cores${values.load ? ', every core busy with a loop the bench started' : ', no load added'}; ${all.length} servers, ${repeat} check(s) each`);
  const load = values.load ? loadEveryCore(3 * 60 * 60 * 1000) : [];
  const stopLoad = (): void => void load.forEach((child) => child.kill());
  process.once('exit', stopLoad);
  let wrong = 0;
  let runs = 0;
  const times: number[] = [];
  // One checker process for every check, as the suite runs them: memlab and the checks stay loaded between servers.
  const checker = startWarmChecker();
  try {
    for (const subject of all) {
      for (let i = 0; i < repeat; i++) {
        const { verdict, wallMs } = await check(checker, subject);
        runs++;
        times.push(wallMs);
        const right = isRight(subject.expected, verdict);
        if (!right) wrong++;
        console.log(`${right ? 'right' : 'WRONG'}  ${subject.server.padEnd(78)} expected ${subject.expected.padEnd(20)} got ${got(verdict).padEnd(22)} ${(wallMs / 1000).toFixed(1)} s`);
      }
    }
  } finally {
    stopLoad();
    await checker.close();
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`\n${wrong} wrong verdict(s) in ${runs} checks${values.load ? ' with every core busy' : ''}; median ${(sorted[Math.floor(sorted.length / 2)]! / 1000).toFixed(1)} s a check.`);
  return wrong > 0 ? 1 : 0;
}
