/**
 * Every failing resource measure says where: small real servers that leak a
 * descriptor (fs.open, fs.promises.open, createReadStream), an unref'd
 * interval or a listener, each run under the real harness, probed before and
 * after real requests, and reported with the file and line that made what
 * stayed. Descriptors are recorded the same whether or not the system lists
 * them (FG_HIDE_FD_LISTING=1 checks as on Windows).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { findScenario } from '../checker/course.ts';
import { PROJECT_ROOT } from '../checker/fixtures.ts';
import { fileEventListeners, liveTimers, openDescriptors, resourceResult } from '../checker/instruments.ts';
import { settle, TIMEOUTS } from '../checker/run.ts';
import { ServerProcess } from '../checker/server-process.ts';
import { HttpClient } from '../checker/traffic.ts';
import type { Instrument, MeasureResult } from '../checker/types.ts';
import { runCli, scratchTempDir, shippedServer } from './helpers.ts';

const SERVERS = path.join('test', 'where-servers');
const REQUESTS = 3;

/** The server's figure for one instrument: what the requests after a warm-up left behind. */
async function leftBehind(file: string, instrument: Instrument, env: Record<string, string> = {}): Promise<MeasureResult> {
  const server = await ServerProcess.start(path.join(PROJECT_ROOT, SERVERS, file), { startTimeoutMs: TIMEOUTS.startMs, env });
  try {
    const http = new HttpClient(server.port, TIMEOUTS.requestMs);
    // Lazy work (libuv's thread pool, module caches) happens before the baseline.
    await http.get('/');
    await settle(server);
    const before = await server.probe();
    for (let i = 0; i < REQUESTS; i++) await http.get('/');
    await settle(server);
    return resourceResult({ kind: 'resources', name: 'left behind', instruments: [instrument], unit: 'objects', bar: 0 }, before, await server.probe());
  } finally {
    await server.stop();
  }
}

/** "test/where-servers/fs-open.ts:9:" for the line of `file` that holds `code`, as the report starts it. */
function lineOf(file: string, code: string): string {
  const lines = readFileSync(path.join(PROJECT_ROOT, SERVERS, file), 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(code));
  expect(index, `${code} in ${file}`).toBeGreaterThanOrEqual(0);
  return `${SERVERS.split(path.sep).join('/')}/${file}:${index + 1}:`;
}

const LISTING_SHOWN: Record<string, string> = {};
const LISTING_HIDDEN: Record<string, string> = { FG_HIDE_FD_LISTING: '1' };

describe.each([
  ['with the system listing descriptors', LISTING_SHOWN],
  ['with no listing, as on Windows', LISTING_HIDDEN],
])('descriptors, %s', (_how, env) => {
  test.each([
    ['fs-open.ts', 'fs.open(SOURCE'],
    ['promises-open.ts', 'return open(SOURCE)'],
    ['read-stream.ts', 'createReadStream(SOURCE)'],
  ])('%s: each one left open is named by its file and the line that opened it', async (file, code) => {
    const result = await leftBehind(file, openDescriptors, env);
    expect(result.value).toBe(REQUESTS);
    expect(result.passed).toBe(false);
    expect(result.places).toHaveLength(1);
    const [place] = result.places!;
    expect(place).toMatchObject({ count: REQUESTS, what: file, verb: 'opened' });
    expect(place!.location).toMatch(new RegExp(`^${lineOf(file, code).replaceAll('.', '\\.')}\\d+$`));
  });

  test('promises-open-dropped.ts: a FileHandle let go of and closed only by the garbage collector counts as left open', async () => {
    const file = 'promises-open-dropped.ts';
    const result = await leftBehind(file, openDescriptors, env);
    expect(result.value).toBe(REQUESTS);
    expect(result.places).toHaveLength(1);
    expect(result.places![0]).toMatchObject({ count: REQUESTS, what: `${file} (closed by the garbage collector, not by the code: open until it runs)`, verb: 'opened' });
    expect(result.places![0]!.location).toMatch(new RegExp(`^${lineOf(file, 'await open(SOURCE)').replaceAll('.', '\\.')}\\d+$`));
  });
});

describe('descriptors opened outside node:fs', () => {
  test.skipIf(process.platform === 'win32')('are still counted where the system lists them, named by what they point at', async () => {
    const result = await leftBehind('opendir.ts', openDescriptors);
    expect(result.value).toBe(REQUESTS);
    expect(result.places).toHaveLength(1);
    expect(result.places![0]).toMatchObject({ count: REQUESTS, verb: 'opened', location: null });
    expect(result.places![0]!.what).toContain('opened outside node:fs');
  });
});

describe('timers and listeners', () => {
  test("an unref'd interval is a live timer, with the line that created it", async () => {
    const result = await leftBehind('unref-interval.ts', liveTimers);
    expect(result.value).toBe(REQUESTS);
    expect(result.places).toHaveLength(1);
    expect(result.places![0]).toMatchObject({ count: REQUESTS, what: "interval, every 60000 ms, unref'd", verb: 'created' });
    expect(result.places![0]!.location).toMatch(new RegExp(`^${lineOf('unref-interval.ts', 'setInterval(').replaceAll('.', '\\.')}\\d+$`));
  });

  test('a listener on the file store emitter, added with once(), is named by its emitter, event and line', async () => {
    const result = await leftBehind('listener.ts', fileEventListeners('changed'));
    expect(result.value).toBe(REQUESTS);
    expect(result.places).toHaveLength(1);
    expect(result.places![0]).toMatchObject({ count: REQUESTS, what: "listener on fileEvents 'changed'", verb: 'added' });
    expect(result.places![0]!.location).toMatch(new RegExp(`^${lineOf('listener.ts', "fileEvents.once('changed'").replaceAll('.', '\\.')}\\d+$`));
  });
});

describe('a server that lets go of everything', () => {
  test.each([
    ['descriptors', openDescriptors, LISTING_SHOWN],
    ['descriptors, no listing', openDescriptors, LISTING_HIDDEN],
    ['timers', liveTimers, LISTING_SHOWN],
    ['listeners', fileEventListeners('changed'), LISTING_SHOWN],
  ] as const)('%s: nothing is left, and no place is listed', async (_what, instrument, env) => {
    const result = await leftBehind('closes-everything.ts', instrument, env);
    expect(result, JSON.stringify(result.places)).toMatchObject({ value: 0, passed: true });
    expect(result.places).toBeUndefined();
  });
});

/**
 * The scenarios whose leaks are descriptors get the same verdict, the same
 * figures and the same places whether or not the system lists descriptors:
 * on Windows as on Linux.
 */
describe.each(['07', '11', '12'])('scenario %s, with the descriptor listing hidden', (number) => {
  const scenario = findScenario(number);
  const temp = scratchTempDir();
  afterEach(() => {
    expect(temp.leftovers(), 'files left in the temporary folder').toEqual([]);
    expect(temp.serversLeft(), 'server processes left running').toEqual([]);
  });
  afterAll(() => temp.remove());

  const outcome = (measures: readonly MeasureResult[]) =>
    measures.map((measure) => ({ name: measure.name, passed: measure.passed, places: (measure.places ?? []).map((place) => `${place.what} ${place.location}`) }));

  const leaky = shippedServer(scenario);
  test.each([
    ['the leaky server', ['--server', leaky], path.dirname(leaky)],
    ['the solution', ['--solution'], path.join('solutions', scenario.folder)],
  ])('%s', async (_which, args, folder) => {
    const shown = await runCli([number, ...args, '--json'], temp.dir);
    const hidden = await runCli([number, ...args, '--json'], temp.dir, LISTING_HIDDEN);
    expect(hidden.code, hidden.stderr).toBe(shown.code);
    const [withListing, without] = [shown.verdict!, hidden.verdict!];
    expect(without.status).toBe(withListing.status);
    if (without.status === 'could-not-check' || withListing.status === 'could-not-check') return;
    expect(outcome(without.measures)).toEqual(outcome(withListing.measures));
    for (const measure of without.measures.filter((result) => result.places)) {
      // Every place is a line of the checked server's folder.
      for (const place of measure.places!) expect(place.location, `${measure.name}: ${place.what}`).toMatch(new RegExp(`^${folder.split(path.sep).join('/')}/`));
    }
  });
});

/**
 * What a module keeps where the snapshot names no variable: a WeakMap keyed by
 * a client's socket (V8's edge runs from the socket to the value) and a
 * property of the global object. The path names the WeakMap's variable and
 * the line of the learner's file that declares it, and the line that gives
 * the global property its value.
 */
describe('places the heap alone does not name', () => {
  const temp = scratchTempDir();
  afterEach(() => {
    expect(temp.leftovers(), 'files left in the temporary folder').toEqual([]);
    expect(temp.serversLeft(), 'server processes left running').toEqual([]);
  });
  afterAll(() => temp.remove());

  const variant = (folder: string, file: string): string => path.join('test', 'variants', folder, file);
  const lineIn = (file: string, code: string): string => {
    const lines = readFileSync(path.join(PROJECT_ROOT, file), 'utf8').split('\n');
    const index = lines.findIndex((line) => line.includes(code));
    expect(index, `${code} in ${file}`).toBeGreaterThanOrEqual(0);
    return `${file.split(path.sep).join('/')}:${index + 1}`;
  };

  test('a WeakMap keyed by the socket: its variable and the line that declares it', async () => {
    const server = variant('07-aborted-downloads', 'half-fix-weakmap-connection-history.ts');
    const run = await runCli(['7', '--server', server, '--json'], temp.dir);
    expect(run.verdict?.status).toBe('fail');
    if (run.verdict?.status !== 'fail') return;
    const failed = run.verdict.measures.find((measure) => !measure.passed && measure.path);
    const steps = failed?.path?.steps.map((step) => step.via) ?? [];
    expect(steps, JSON.stringify(failed?.path)).toContain(`its value in WeakMap history (${lineIn(server, 'const history = new WeakMap')}), keyed by this Socket`);
  });

  test('a property of the global object: the line that gives it its value, through an alias', async () => {
    const server = variant('07-aborted-downloads', 'half-fix-abort-log-global.ts');
    const run = await runCli(['7', '--server', server, '--json'], temp.dir);
    expect(run.verdict?.status).toBe('fail');
    if (run.verdict?.status !== 'fail') return;
    const roots = run.verdict.measures.filter((measure) => !measure.passed && measure.path).map((measure) => measure.path!.root);
    expect(roots.length).toBeGreaterThan(0);
    for (const root of roots) expect(root).toMatchObject({ name: 'globalThis.abortedDownloads', declaredAt: lineIn(server, '(g.abortedDownloads ??= []).push(') });
  });
});
