/**
 * `npm run probe` on services it was not written for: every scenario's leaky
 * server and solution (probed with their route's requests only, judged against
 * the retainer each check names), small services in other shapes, bad input,
 * and Ctrl-C. Every run must leave no process and no snapshot behind.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { serverFile, SCENARIOS, checkFile } from '../checker/course.ts';
import { PROJECT_ROOT } from '../checker/fixtures.ts';
import { openDescriptors } from '../checker/instruments.ts';
import { growsInBoth, objectFloor, probeGrowth } from '../checker/probe.ts';
import type { Probe } from '../checker/protocol.ts';
import { loadCheck } from '../checker/run.ts';
import { scratchTempDir, shippedServer, startInterruptible, tempEnv } from './helpers.ts';
import { parseRequest, readTrafficFile, requestPath } from '../checker/probe-traffic.ts';
import { alternativeFixes, FIX_GROWS_BY_DESIGN, pathText, PROBE_OUT_OF_REACH, runProbeCli, scenarioProbeArgs, SERVICE_PROBES, SMALL_GROWTH_BYTES } from './probe-cases.ts';

const temp = scratchTempDir();
const bodies = path.join(temp.dir, 'bodies');

afterEach(() => {
  expect(temp.leftovers(), 'files left in the temporary folder').toEqual([]);
  expect(temp.serversLeft(), 'server processes left running').toEqual([]);
});
afterAll(() => temp.remove());

function relative(file: string): string {
  return path.relative(PROJECT_ROOT, file);
}

/**
 * FG_SUITE=core (CI's second Node): the probe on three leaky servers, one for each way the probe sees a leak (a heap
 * structure that grows, records per request, descriptors), and on the services of other shapes; the other leaky
 * servers, the solutions, the other valid fixes and the leaks out of its reach are the first Node's.
 */
const CORE_ONLY = process.env.FG_SUITE === 'core';
const CORE_SCENARIOS = new Set(['01-download-cache', '07-aborted-downloads', '10-request-tracing']);

describe.each(SCENARIOS.map((scenario) => ({ folder: scenario.folder, scenario })))('$folder', ({ folder, scenario }) => {
  const outOfReach = PROBE_OUT_OF_REACH[folder];
  test.runIf(!outOfReach && (!CORE_ONLY || CORE_SCENARIOS.has(folder)))('the leaky server: the probe finds what grows and names what its check names', async () => {
    const args = scenarioProbeArgs(folder, bodies);
    expect(args, `add the requests for ${folder}'s route to SCENARIO_PROBES in test/probe-cases.ts`).not.toBeNull();
    const run = await runProbeCli([shippedServer(scenario), ...args!, '--json'], temp.dir);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const result = run.result!;
    if (result.status === 'could-not-probe') throw new Error(result.sentence);
    const spec = await loadCheck(checkFile(scenario));
    for (const measure of spec.measures) {
      // A guard measure watches for a fix's leak, not this server's.
      if (measure.kind === 'heap' && !measure.guards) {
        expect(result.findings.some((finding) => finding.kind === 'heap')).toBe(true);
        expect(pathText(result)).toContain(measure.retainer);
      }
      // The descriptors the check counts, the probe's own figures see grow (a guard measure watches for a fix's leak, not this server's).
      if (measure.kind === 'resources' && !measure.guards && measure.instruments.includes(openDescriptors)) expect(result.findings.some((finding) => finding.kind === 'probe' && /descriptor/.test(finding.name))).toBe(true);
    }
  });

  // The probe's limit, stated where it can be checked: these leaks do not grow from batch to batch.
  test.runIf(Boolean(outOfReach) && !CORE_ONLY)(`the leaky server is out of the probe's reach, and it says nothing: ${outOfReach ?? ''}`, async () => {
    const run = await runProbeCli([shippedServer(scenario), ...scenarioProbeArgs(folder, bodies)!, '--json'], temp.dir);
    expect(run.result?.status, run.stdout + run.stderr).toBe('steady');
  });

  /** A fix that keeps a small record per request by design: the probe sees it grow, and must see it small. */
  const judgeFix = async (file: string): Promise<void> => {
    const run = await runProbeCli([file, ...scenarioProbeArgs(folder, bodies)!, '--json'], temp.dir);
    const result = run.result;
    if (!result || result.status === 'could-not-probe') throw new Error(run.stdout + run.stderr);
    if (!FIX_GROWS_BY_DESIGN[folder]) {
      expect(result.status, run.stdout + run.stderr).toBe('steady');
      expect(run.code).toBe(0);
      return;
    }
    for (const finding of result.findings) {
      expect(finding.kind, `only small heap growth is expected: ${run.stdout}`).toBe('heap');
      if (finding.kind === 'heap') expect(Math.max(finding.a.bytes, finding.b.bytes), finding.what).toBeLessThan(SMALL_GROWTH_BYTES);
    }
  };

  test.skipIf(CORE_ONLY)(`the solution: the probe reports nothing${FIX_GROWS_BY_DESIGN[folder] ? `, or only small growth (${FIX_GROWS_BY_DESIGN[folder]})` : ''}`, async () => {
    expect(scenarioProbeArgs(folder, bodies), `add the requests for ${folder}'s route to SCENARIO_PROBES in test/probe-cases.ts`).not.toBeNull();
    await judgeFix(relative(serverFile(scenario, 'solution')));
  });

  // One per scenario here; `npm run bench -- --probe` probes every one.
  test.each(alternativeFixes(folder, { sample: true }))('another valid fix, %s: the probe reports nothing, or only small growth', async (file) => {
    await judgeFix(file);
  });
});

describe.each(SERVICE_PROBES)('$name ($module)', (service) => {
  test(service.leak ? `grows, kept by ${service.leak}` : 'steady: reports nothing', async () => {
    const run = await runProbeCli([service.module, ...service.args, '--json'], temp.dir);
    if (service.leak) {
      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(pathText(run.result)).toContain(service.leak);
    } else {
      expect(run.result?.status, run.stdout + run.stderr).toBe('steady');
      expect(run.code).toBe(0);
    }
  });
});

test('the text report names the cluster, its figures per batch and its retainer path', async () => {
  const [leaky] = SERVICE_PROBES;
  const run = await runProbeCli([leaky!.module, ...leaky!.args], temp.dir);
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/✗ GROWS/);
  expect(run.stdout).toMatch(/\d+ Object \([\d.]+ KiB\) born during the traffic and still alive/);
  expect(run.stdout).toMatch(/from batch A, \d+ \([\d.]+ KiB\) from batch B/);
  expect(run.stdout).toContain('requestLog  module variable in test/probe-services/plain-http-leaky.js');
  expect(run.stdout).toMatch(/POST \/orders\?n=\{n\} @cart-item\.json {2}\(200 ×\d+\)/);
});

describe('bad input: a sentence and exit 2', () => {
  test.each([
    { name: 'a module that is not there', args: ['no/such/server.ts', '--request', 'GET /'], says: /There is no file .*no\/such\/server\.ts to probe\./ },
    { name: 'no request', args: ['test/probe-services/plain-http-steady.js'], says: /Give the requests to repeat/ },
    { name: 'an unknown method', args: ['test/probe-services/plain-http-steady.js', '--request', 'FETCH /x'], says: /is not a request\. Write it as a method and a path/ },
    { name: 'a path without /', args: ['test/probe-services/plain-http-steady.js', '--request', 'GET x'], says: /the path must start with \// },
    { name: 'a body file that is not there', args: ['test/probe-services/plain-http-steady.js', '--request', 'PUT /x @no-such-body.bin'], says: /there is no body file/ },
    { name: 'an abort size that is not a size', args: ['test/probe-services/plain-http-steady.js', '--request', 'GET /x abort=lots'], says: /"lots" is not a size/ },
    { name: 'one round', args: ['test/probe-services/plain-http-steady.js', '--request', 'GET /x', '--rounds', '1'], says: /--rounds takes a whole number, 2 or more/ },
    { name: 'a header without a colon', args: ['test/probe-services/plain-http-steady.js', '--header', 'no colon', '--request', 'GET /x'], says: /is not a header/ },
    { name: 'a traffic file that is not there', args: ['test/probe-services/plain-http-steady.js', '--traffic', 'no-such-traffic.json'], says: /There is no traffic file/ },
  ])('$name', async ({ args, says }) => {
    const run = await runProbeCli(args, temp.dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(says);
  });

  test('--help prints the usage and exits 0', async () => {
    const run = await runProbeCli(['--help'], temp.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('npm run probe -- <module> --request "METHOD /path"');
  });

  test.each([
    { file: 'test/broken-servers/throws-on-import.ts', says: /COULD NOT PROBE[\s\S]*threw while it was loading/ },
    { file: 'test/broken-servers/no-export.ts', says: /COULD NOT PROBE[\s\S]*does not export its app/ },
    { file: 'test/broken-servers/throws-in-every-request.ts', says: /COULD NOT PROBE[\s\S]*was answered 500/ },
    { file: 'test/broken-servers/crashes-mid-traffic.ts', says: /COULD NOT PROBE[\s\S]*crashed/ },
  ])('$file', async ({ file, says }) => {
    const run = await runProbeCli([file, '--request', 'GET /files/photo-1.jpg', '--rounds', '2', '--warmup', '1'], temp.dir);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stdout).toMatch(says);
  });
});

test('Ctrl-C between the snapshots ends the server and deletes them (exit 130)', async () => {
  const [leaky] = SERVICE_PROBES;
  const probe = startInterruptible('probe-cli', [leaky!.module, ...leaky!.args, '--rounds', '200', '--keep'], { env: tempEnv(temp.dir) });
  const child = probe.child;
  const workspace = (): string => path.join(temp.dir, readdirSync(temp.dir).find((entry) => entry.startsWith('forgotten-garbage-')) ?? '-');
  // --keep makes the baseline a file, which shows the probe is between its snapshots; Ctrl-C deletes kept ones too.
  const deadline = performance.now() + 60_000;
  while (!existsSync(path.join(workspace(), 'baseline.heapsnapshot'))) {
    if (child.exitCode !== null) throw new Error(`the probe ended (exit ${child.exitCode}) before its first snapshot`);
    if (performance.now() > deadline) throw new Error('no baseline snapshot within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  probe.interrupt();
  expect(await probe.exited).toBe(130);
  expect(probe.output()).toContain('Probe interrupted: the server was stopped and its snapshots deleted.');
});

describe('requests', () => {
  test('{n} is the round number; @file is the body; abort= a size', () => {
    const request = parseRequest('put /uploads/dropped-{n}.jpg @test/probe-services/sessions/cart-item.json abort=1MiB', { 'x-app': 'probe' }, PROJECT_ROOT);
    expect(request).toEqual({
      method: 'PUT',
      path: '/uploads/dropped-{n}.jpg',
      headers: { 'x-app': 'probe' },
      bodyFile: path.join(PROJECT_ROOT, 'test/probe-services/sessions/cart-item.json'),
      abortAfterBytes: 1024 * 1024,
    });
    expect(requestPath(request, 7)).toBe('/uploads/dropped-7.jpg');
    expect(requestPath(parseRequest('GET /a/{n}?v={n}'), 12)).toBe('/a/12?v=12');
    expect(requestPath(parseRequest('GET /thumbnails/{n%4}.png'), 7)).toBe('/thumbnails/3.png');
    // A body file whose path has spaces, as home folders on Windows and macOS do, with abort= on either side.
    const spaced = path.join(temp.dir, 'my files', 'cart item.json');
    mkdirSync(path.dirname(spaced), { recursive: true });
    writeFileSync(spaced, '{}');
    expect(parseRequest(`PUT /carts/{n} @${spaced} abort=1KiB`).bodyFile).toBe(spaced);
    expect(parseRequest(`PUT /carts/{n} abort=1KiB @${spaced}`).abortAfterBytes).toBe(1024);
  });

  test('a traffic file: strings and objects, body files relative to it, its rounds', () => {
    const traffic = readTrafficFile(path.join(PROJECT_ROOT, 'test/probe-services/sessions/traffic.json'));
    expect(traffic.rounds).toBe(8);
    expect(traffic.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /sessions/shopper-{n}',
      'GET /sessions/shopper-{n}',
      'POST /sessions/shopper-{n}/cart',
      'DELETE /sessions/shopper-{n}',
    ]);
    expect(traffic.requests[2]).toMatchObject({ headers: { 'content-type': 'application/json' }, bodyFile: path.join(PROJECT_ROOT, 'test/probe-services/sessions/cart-item.json') });
  });
});

describe('what counts as growth', () => {
  test('a cluster must grow in both batches, comparably, above the floor', () => {
    const rounds = 8;
    expect(objectFloor(rounds)).toBe(4);
    expect(growsInBoth({ objects: 8, bytes: 800 }, { objects: 8, bytes: 800 }, rounds)).toBe(true);
    // Once, during batch A only (a lazy cache filled on first use).
    expect(growsInBoth({ objects: 40, bytes: 4000 }, { objects: 0, bytes: 0 }, rounds)).toBe(false);
    // Too few to tell from noise.
    expect(growsInBoth({ objects: 3, bytes: 300 }, { objects: 3, bytes: 300 }, rounds)).toBe(false);
    // A cache filling up and then holding steady.
    expect(growsInBoth({ objects: 30, bytes: 3000 }, { objects: 5, bytes: 500 }, rounds)).toBe(false);
    // Few objects, many bytes each.
    expect(growsInBoth({ objects: 1, bytes: 2 * 1024 * 1024 }, { objects: 1, bytes: 2 * 1024 * 1024 }, rounds)).toBe(true);
  });

  test('probe figures: descriptors that grow in both batches are reported, a timer that comes and goes is not', () => {
    const probe = (fds: number, timeouts: number, arrayBuffers: number): Probe => ({
      memory: { rss: 0, heapTotal: 0, heapUsed: 0, external: arrayBuffers, arrayBuffers },
      resources: { active: { Timeout: timeouts }, fileDescriptors: fds },
      openConnections: 0,
      storage: { diskReads: 0, bytesRead: 0, uploadsWritten: 0 },
      held: { descriptors: [], timers: [], listeners: [], finalizers: [], weakRefs: [] },
    });
    const findings = probeGrowth(probe(20, 1, 0), probe(28, 0, 4 << 20), probe(36, 1, 8 << 20), 8);
    expect(findings.map((finding) => finding.name)).toEqual(['memory held by Buffers and typed arrays (arrayBuffers)', 'open file descriptors']);
    expect(findings[1]).toMatchObject({ a: 8, b: 8 });
  });
});
