/**
 * What `npm run probe` is tried on, by the tests and by `npm run bench -- --probe`:
 * every scenario's leaky server and its solution, probed with requests a
 * client of that route would send and nothing else the scenario knows, and
 * small services in other shapes written for the purpose.
 *
 * A new scenario is one line in SCENARIO_PROBES: its route's requests. In a
 * request, {n} is the round number (fresh URLs and names every round) and
 * @{photo} is a 3 MiB generated photo to upload.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { generateBytes, PROJECT_ROOT } from '../checker/fixtures.ts';
import type { ProbeResult } from '../checker/probe.ts';
import { jsonOf, runCommand, tempEnv } from './helpers.ts';

export const SCENARIO_PROBES: Readonly<Record<string, readonly string[]>> = {
  // Photos asked for with the query strings real clients add (sizes, cache-busters).
  '01-download-cache': ['GET /files/photo-1.jpg?v={n}', 'GET /files/photo-2.jpg?size=large&t={n}'],
  '02-file-change-listener': ['GET /files/photo-1.jpg', 'GET /files/photo-2.jpg'],
  // Uploads from phones: one completes, one whose connection drops after 1 MiB.
  '03-upload-heartbeat': ['PUT /uploads/photo-{n}.jpg @{photo}', 'PUT /uploads/dropped-{n}.jpg @{photo} abort=1MiB'],
  // Documents uploaded to the inbox, a new name each time.
  '04-upload-index': ['PUT /uploads/document-{n}.jpg @{photo}'],
  // Originals exported for the archive, again and again.
  '06-export-jobs': ['GET /exports/photo-1.jpg', 'GET /exports/photo-2.jpg'],
  // Downloads of a large video that the client gives up after 256 KiB.
  '07-aborted-downloads': ['GET /files/video-1.mp4 abort=256KiB'],
  // A crawler following old links (404), and a download that succeeds.
  '10-request-tracing': ['GET /files/old-link-{n}.jpg', 'GET /files/photo-1.jpg'],
  // Downloads of a large text file that the client gives up after 128 KiB.
  '11-gzip-downloads': ['GET /files/access-log.csv abort=128KiB'],
  // A file shared, its thumbnail shown, and a download the client gives up after 64 KiB.
  '12-the-incident': ['PUT /files/share-{n}.jpg @{photo}', 'GET /files/share-{n}.jpg/thumbnail', 'GET /files/share-{n}.jpg abort=64KiB'],
};

/**
 * Leaks a probe of what grows cannot see, and why; the tests hold the probe to
 * saying nothing there (so the claim stays true), and the bench counts them apart.
 */
export const PROBE_OUT_OF_REACH: Readonly<Record<string, string>> = {
  '05-log-search':
    'a bounded set (500 IDs) that keeps far more than it seems: once full, it holds the same number of log texts after every search, so nothing grows from one batch to the next',
  '08-csv-export': 'a peak while a slow client reads: nothing stays after the traffic (the check samples memory during it)',
  '09-upload-endpoint': 'a peak while uploads arrive: nothing stays after the traffic (the check samples memory during it)',
};

/**
 * Fixes that keep a small record per request by design, in structures a probe's
 * few rounds do not fill: the probe reports them growing (it cannot know the
 * bound), by a few KiB a batch where the leak grows by MiB. Their tests hold
 * that growth under SMALL_GROWTH_BYTES a batch.
 */
export const FIX_GROWS_BY_DESIGN: Readonly<Record<string, string>> = {
  '04-upload-index': 'the index keeps an entry of about 150 B per file uploaded: that is the feature',
  '06-export-jobs': 'the registry keeps the last 500 jobs, each with its response (about 11 KiB)',
  '10-request-tracing': 'the trace log keeps the last 200 lines',
  '12-the-incident': 'the catalogue keeps an entry per file shared (with a copy of its first 512 B), and a 4 KiB thumbnail for each file shown',
};

/** Growth per batch below which a fix's by-design growth counts as small. */
export const SMALL_GROWTH_BYTES = 256 * 1024;

/** Requests for a scenario the probe cannot judge: its route, so the tests can show it stays quiet. */
export const OUT_OF_REACH_REQUESTS: Readonly<Record<string, readonly string[]>> = {
  '05-log-search': ['GET /logs/access.log/search?status=500&path=/api/'],
  '08-csv-export': ['GET /exports/orders-2024.csv'],
  '09-upload-endpoint': ['PUT /uploads/lecture-{n}.jpg @{photo}'],
};

export interface ServiceProbe {
  readonly name: string;
  /** Relative to the project. */
  readonly module: string;
  readonly args: readonly string[];
  /** A name on the retainer path of what leaks (or the probe figure that grows); null: the service keeps nothing per request. */
  readonly leak: string | null;
}

const SERVICES_DIR = 'test/probe-services';
const ORDER_REQUESTS = ['--request', `POST /orders?n={n} @${SERVICES_DIR}/sessions/cart-item.json`, '--request', 'GET /orders/{n}'];
const SESSION_TRAFFIC = ['--traffic', `${SERVICES_DIR}/sessions/traffic.json`];

export const SERVICE_PROBES: readonly ServiceProbe[] = [
  { name: 'node:http server, request log', module: `${SERVICES_DIR}/plain-http-leaky.js`, args: ORDER_REQUESTS, leak: 'requestLog' },
  { name: 'node:http server, counts only', module: `${SERVICES_DIR}/plain-http-steady.js`, args: ORDER_REQUESTS, leak: null },
  { name: 'app over modules, audited session store', module: `${SERVICES_DIR}/sessions/app-audited.ts`, args: SESSION_TRAFFIC, leak: 'AuditedSessionStore' },
  { name: 'app over modules, session store', module: `${SERVICES_DIR}/sessions/app.ts`, args: SESSION_TRAFFIC, leak: null },
  {
    name: 'node:http server, descriptor left open',
    module: `${SERVICES_DIR}/descriptor-leaky.ts`,
    args: ['--request', 'GET /template', '--request', 'GET /template/preview?{n}'],
    leak: 'open file descriptors',
  },
  {
    name: 'Express JSON API, gzip, 404s, 4 rounds',
    module: `${SERVICES_DIR}/busy-steady.ts`,
    args: ['--header', 'content-type: application/json', '--request', 'GET /report/r{n}?q={n}', '--request', `POST /echo @${SERVICES_DIR}/sessions/cart-item.json`, '--request', 'GET /missing/{n}', '--rounds', '4'],
    leak: null,
  },
];

/** The probe's arguments for a scenario's route: --request for each, with @{photo} written into `dir`. */
export function scenarioProbeArgs(folder: string, dir: string): string[] | null {
  const requests = SCENARIO_PROBES[folder] ?? OUT_OF_REACH_REQUESTS[folder];
  if (!requests) return null;
  const photo = path.join(dir, 'photo-upload.jpg');
  if (requests.some((request) => request.includes('@{photo}'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(photo, generateBytes('photo-upload.jpg', 3 * 1024 * 1024));
  }
  return requests.flatMap((request) => ['--request', request.replace('@{photo}', `@${photo}`)]);
}

/**
 * Other valid fixes of a scenario (test/variants/<folder>/alternative-*.ts), relative to the project: each must be
 * steady too. All of them (180, ≈ 4 s of probing each) for the bench; for the test suite, `sample`: the first and the
 * last by name, two other styles than the solution's per scenario, so that the suite keeps a false alarm on a fix in
 * sight without spending a quarter of CI's time on it.
 */
export function alternativeFixes(folder: string, { sample = false } = {}): string[] {
  // FG_SUITE=core (CI's second Node) leaves the alternatives to the first.
  if (process.env.FG_SUITE === 'core') return [];
  const dir = path.join(PROJECT_ROOT, 'test', 'variants', folder);
  if (!existsSync(dir)) return [];
  const all = readdirSync(dir)
    .filter((name) => name.startsWith('alternative-') && name.endsWith('.ts'))
    .sort()
    .map((name) => path.join('test', 'variants', folder, name));
  return sample ? all.slice(0, 1) : all;
}

export interface ProbeRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly result: (ProbeResult & { module: string }) | null;
  readonly wallMs: number;
}

/** `npm run probe -- <args>` without npm, its temporary folder redirected to `tmpDir`. */
export async function runProbeCli(args: readonly string[], tmpDir: string): Promise<ProbeRun> {
  const started = performance.now();
  const run = await runCommand('probe-cli', args, { env: tempEnv(tmpDir) });
  return { ...run, result: jsonOf<NonNullable<ProbeRun['result']>>(run, args), wallMs: performance.now() - started };
}

/** Every name on a finding's retainer path, as one string to search. */
export function pathText(result: ProbeResult | null): string {
  if (!result || result.status === 'could-not-probe') return '';
  return result.findings
    .map((finding) =>
      finding.kind === 'heap'
        ? // The path to the object, then what it holds: together, the chain a check's retainer path shows.
          [finding.path.root.name, finding.path.root.label, ...[...finding.path.steps, ...finding.holds].flatMap((step) => [step.via, step.label])].join(' → ')
        : finding.kind === 'probe'
          ? finding.name
          : `out of memory during ${finding.during}`,
    )
    .join('\n');
}

/** The corpus of services written for the probe (test/probe-corpus/<case>/case.json): shapes and leaks of real services. */
export interface CorpusCase {
  readonly name: string;
  readonly expect: 'grows' | 'steady';
  /** The file to probe, relative to the case folder (absent for an attached service). */
  readonly module?: string;
  readonly requests: readonly string[];
  readonly args?: readonly string[];
  /** Words the findings must show, in the service's own terms. */
  readonly names?: readonly string[];
  /** Started by its own command under node --inspect, and probed with --attach. */
  readonly attach?: { readonly start: readonly string[] };
  readonly why: string;
}

export const CORPUS_DIR = path.join(PROJECT_ROOT, 'test', 'probe-corpus');

export function corpusCases(): CorpusCase[] {
  return readdirSync(CORPUS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({ name: entry.name, ...(JSON.parse(readFileSync(path.join(CORPUS_DIR, entry.name, 'case.json'), 'utf8')) as Omit<CorpusCase, 'name'>) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * A copy of a case in a folder of its own outside the kit, as a user's
 * service is (the path has a space in it, as many home folders do), with the
 * kit's node_modules linked beside it so that its imports resolve.
 */
export function placeCorpusCase(kase: CorpusCase, tmpDir: string): string {
  const root = path.join(tmpDir, 'my services');
  mkdirSync(root, { recursive: true });
  const modules = path.join(root, 'node_modules');
  if (!existsSync(modules)) symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), modules, process.platform === 'win32' ? 'junction' : 'dir');
  const dir = path.join(root, kase.name);
  cpSync(path.join(CORPUS_DIR, kase.name), dir, { recursive: true });
  return dir;
}

/** A corpus service started by its own command under node --inspect, and the addresses it printed. */
export interface AttachedCase {
  readonly child: ChildProcess;
  readonly inspector: string;
  readonly base: string;
}

/** Start an attached case by its own command under node --inspect; resolves with its inspector and service addresses. */
export function startAttached(dir: string, start: readonly string[]): Promise<AttachedCase> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', ...start], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let inspector = '';
    let base = '';
    let output = '';
    const check = (): void => {
      if (inspector && base) resolve({ child, inspector, base });
    };
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      inspector ||= /(ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(output)?.[1] ?? '';
      check();
    });
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      base ||= /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? '';
      check();
    });
    child.on('exit', (code) => reject(new Error(`the service exited (${code}) before it listened:\n${output}`)));
  });
}

/** The probe's arguments for a placed case: its module, or the running service it attaches to. */
export function corpusProbeArgs(kase: CorpusCase, dir: string, attached: AttachedCase | null): string[] {
  const target = attached ? ['--attach', attached.inspector, '--base', attached.base] : [path.join(dir, kase.module!)];
  // A body file (@name) is the case's own, beside its service.
  const requests = kase.requests.map((request) => request.replace(/(^|\s)@(\S+)/, (_, space: string, file: string) => `${space}@${path.join(dir, file)}`));
  return [...target, ...requests.flatMap((request) => ['--request', request]), ...(kase.args ?? [])];
}

/** Everything a finding says, as one string to search for the case's names. */
export function findingText(result: ProbeResult | null): string {
  if (!result || result.status === 'could-not-probe') return '';
  return JSON.stringify(result.findings);
}
