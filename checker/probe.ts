/**
 * The check's method turned on any service: start it under the harness, warm
 * it up with the given requests, then send two equal batches of them with a
 * heap snapshot before, between and after, and report what grew in BOTH
 * batches. Nothing here knows a scenario.
 *
 * Why two batches: V8 keeps an object's id across the snapshots of one
 * process and numbers new objects above every id it gave before, so in the
 * last snapshot the objects born in batch A (above S0's highest id, not above
 * S1's) and those born in batch B (above S1's) can both be told apart. S0 and
 * S1 only number the heap; the last is the one snapshot parsed. Something
 * that leaks per request has A-born objects still alive after B, and B-born
 * objects of the same kind, kept the same way, in comparable numbers. What
 * Node or V8 creates once (lazy caches, compiled code) appears in one batch at
 * most; what is replaced over time (the HTTP Date header's cached string and
 * its timer) never has A-born objects alive after B.
 */
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import type { IHeapNode, IHeapSnapshot } from '@memlab/core';
import { AttachedService } from './attach.ts';
import { CouldNotCheck, type CouldNotCheckReason } from './errors.ts';
import { ensureFixtures, PROJECT_ROOT } from './fixtures.ts';
import { bornAfter, highestNodeId } from './heap-ids.ts';
import { HeapHistory, type EarlierHeap } from './heap-history.ts';
import type { HeldResource, Probe } from './protocol.ts';
import { RELEASE_WAIT_MS } from './protocol.ts';
import { CookieJar, describeRequest, sendRound, type ProbeRequest, type StatusCounts } from './probe-traffic.ts';
import { guard, settle, TIMEOUTS } from './run.ts';
import { ServerProcess } from './server-process.ts';
import { HttpClient } from './traffic.ts';
import { attachmentOf, isProgramObject, ownedByV8, throughTheApp } from './heap-growth.ts';
import { edgeLabel, isPlumbing, nodeLabel, projectFile, readablePath, scriptOfClosure, sourceLineOf } from './trace.ts';
import type { RetainerPath, RetainerStep } from './types.ts';
import { createWorkspace, type Workspace } from './workspace.ts';

const MiB = 1024 * 1024;

export interface ProbeOptions {
  /**
   * The module exporting its app or server (default, `app`, `server`, or a
   * factory): an Express or Koa app, a Fastify instance, a request listener,
   * an http.Server.
   */
  readonly module: string;
  /**
   * Probe a service already running under node --inspect instead of starting
   * `module`: its inspector's address, and the address it serves on.
   */
  readonly attach?: { readonly inspector: string; readonly base: URL };
  /** The folder the service runs in (its own folder unless told otherwise): relative paths it opens are read from there. */
  readonly cwd?: string;
  readonly requests: readonly ProbeRequest[];
  /** Keep the cookies each response sets for the next request, as a browser does (off: a client that keeps none). */
  readonly cookies?: boolean;
  /** Rounds in each of the two measured batches. */
  readonly rounds: number;
  readonly warmupRounds: number;
  readonly keepSnapshots?: boolean;
  readonly onPhase?: (phase: string) => void;
}

/** Objects born in one batch, alive at the end, kept the same way. */
export interface BatchFigure {
  readonly objects: number;
  readonly bytes: number;
}

export interface HeapGrowth {
  readonly kind: 'heap';
  /** What the objects are (their constructor or V8 type), most frequent first. */
  readonly what: string;
  readonly a: BatchFigure;
  readonly b: BatchFigure;
  /** The readable retainer path of the largest of them. */
  readonly path: RetainerPath;
  /** What the largest of them holds: the chain of its largest parts, while each keeps most of the bytes. */
  readonly holds: readonly RetainerStep[];
  /**
   * What the structure they hang from retained in each snapshot (before
   * batch A, after it, after batch B): it rose in both batches. Absent where
   * they hang from nothing older than the batches.
   */
  readonly held?: readonly [number, number, number];
  /** Where the code that made them is: "routes/jobs.js:12" (a function, a timer's callback, a listener). */
  readonly madeAt?: string;
  /**
   * The structure they grow in looks like a cache ("pages", an object of
   * lru-cache): one with a bound grows until the bound and no further, so the
   * reader is told how to tell the two apart.
   */
  readonly cache?: string;
}

/** The service ran out of heap while the probe repeated its requests: the strongest sign of growth there is. */
export interface OutOfMemory {
  readonly kind: 'out-of-memory';
  /** "batch A", "batch B", "the warm-up". */
  readonly during: string;
  /** Rounds sent before it died. */
  readonly rounds: number;
  readonly heapCapMb: number;
}

/** A figure from the harness's probe (memory outside the heap, handles, descriptors) that grew in both batches. */
export interface ProbeGrowth {
  readonly kind: 'probe';
  readonly name: string;
  readonly unit: 'bytes' | 'objects';
  readonly a: number;
  readonly b: number;
  /** For what the harness records (descriptors, timers): what is new, by what it is and where it was made. */
  readonly places?: readonly string[];
}

export type Growth = HeapGrowth | ProbeGrowth | OutOfMemory;

export type ProbeResult =
  | {
      readonly status: 'grows' | 'steady';
      readonly findings: readonly Growth[];
      readonly rounds: number;
      readonly warmupRounds: number;
      readonly requests: readonly string[];
      /** Statuses answered during the probe, by request. */
      readonly statuses: Record<string, Record<string, number>>;
      /** Clusters that were new in the batches but did not grow in both (for --json readers). */
      readonly ignored: number;
      readonly times: Record<string, number>;
      readonly snapshots?: readonly string[];
    }
  | { readonly status: 'could-not-probe'; readonly reason: CouldNotCheckReason; readonly sentence: string };

/** What a batch must show, in each batch, to count: at least this many objects… */
export function objectFloor(rounds: number): number {
  return Math.max(2, Math.ceil(rounds / 2));
}
/** …or this many bytes. */
export const BYTES_FLOOR = 1 * MiB;
/** The smaller batch must be at least this share of the larger: steady growth, not a cache filling once. */
export const COMPARABLE = 1 / 3;

function comparable(a: number, b: number): boolean {
  return Math.min(a, b) >= Math.max(a, b) * COMPARABLE;
}

/** Did a cluster grow in both batches, by count or by bytes? */
export function growsInBoth(a: BatchFigure, b: BatchFigure, rounds: number): boolean {
  const floor = objectFloor(rounds);
  const byCount = a.objects >= floor && b.objects >= floor && comparable(a.objects, b.objects);
  const byBytes = a.bytes >= BYTES_FLOOR && b.bytes >= BYTES_FLOOR && comparable(a.bytes, b.bytes);
  return byCount || byBytes;
}

/** The probe's cap on the service's old generation: a leak that fills it is found, not waited for. */
export const PROBE_HEAP_CAP_MB = 768;

export async function runProbe(options: ProbeOptions): Promise<ProbeResult> {
  let workspace: Workspace | null = null;
  let server: ServerProcess | null = null;
  let stopTarget: (() => Promise<void>) | null = null;
  let history: HeapHistory | null = null;
  let keep = false;
  const times: Record<string, number> = {};
  let phase: { name: string; started: number } | null = null;
  const enter = (name: string | null): void => {
    if (phase) times[phase.name] = (times[phase.name] ?? 0) + performance.now() - phase.started;
    phase = name ? { name, started: performance.now() } : null;
    if (name) options.onPhase?.(name);
  };
  const probes: Probe[] = [];
  const statuses: StatusCounts = new Map();
  let round = 0;
  let batchName = 'the warm-up';
  const summary = () => ({
    rounds: options.rounds,
    warmupRounds: options.warmupRounds,
    requests: options.requests.map(describeRequest),
    statuses: Object.fromEntries([...statuses].map(([request, counts]) => [request, Object.fromEntries(counts)])),
    times,
  });
  try {
    workspace = createWorkspace();
    const kitService = !options.attach && !path.relative(PROJECT_ROOT, options.module).startsWith('..');
    // The kit's own services read the generated fixtures; a service of yours does not need them.
    if (kitService) ensureFixtures();
    enter('start');
    // memlab takes a few hundred milliseconds to load: load it while the service starts.
    const analysis = import('./analysis.ts');
    analysis.catch(() => undefined);
    // The earlier snapshots are parsed in a thread of their own while the next batch runs.
    history = new HeapHistory();
    const earlier: EarlierHeap[] = [];
    const highestIds: Promise<number>[] = [];
    const target = options.attach ? await attachedTarget(options.attach, options.cwd) : await startedTarget(options, kitService, workspace.uploadsDir);
    stopTarget = () => target.stop();
    if (target.server) server = target.server;
    const http = new HttpClient(target.port, TIMEOUTS.requestMs, target.host);
    const bodies = new Map<string, Buffer>();
    const jar = options.cookies === false ? null : new CookieJar();
    const batch = async (rounds: number): Promise<void> => {
      for (let i = 0; i < rounds; i++) await target.guard(sendRound(http, options.requests, ++round, bodies, statuses, jar));
      await target.settle();
      refuseServerErrors(http);
    };
    const snapshot = async (name: 'baseline' | 'target' | 'final'): Promise<void> => {
      probes.push(await releasedProbe(target, probes[0]));
      await target.snapshot(workspace!.snapshot(name));
      if (name === 'final') return;
      earlier.push(history!.read(earlier.length, workspace!.snapshot(name)));
      // Its highest id, read from the file as it streams by, while the next batch runs.
      const highest = highestNodeId(createReadStream(workspace!.snapshot(name)));
      highest.catch(() => undefined);
      highestIds.push(highest);
    };

    enter('warm-up');
    await batch(options.warmupRounds);
    enter('snapshots');
    await snapshot('baseline');
    enter((batchName = 'batch A'));
    await batch(options.rounds);
    enter('snapshots');
    await snapshot('target');
    enter((batchName = 'batch B'));
    await batch(options.rounds);
    enter('snapshots');
    await snapshot('final');
    await target.stop();
    stopTarget = null;
    server = null;

    enter('analysis');
    const { heap, ignored } = await heapGrowth(await analysis, workspace, earlier as [EarlierHeap, EarlierHeap], (await Promise.all(highestIds)) as [number, number], options.rounds, target.root);
    enter(null);
    const findings: Growth[] = [...heap, ...probeGrowth(probes[0]!, probes[1]!, probes[2]!, options.rounds)];
    keep = options.keepSnapshots ?? false;
    return {
      status: findings.length ? 'grows' : 'steady',
      findings,
      ...summary(),
      ignored,
      ...(keep ? { snapshots: (['baseline', 'target', 'final'] as const).map((name) => workspace!.snapshot(name)) } : {}),
    };
  } catch (error) {
    enter(null);
    const reason = (server?.ended && !(error instanceof CouldNotCheck && error.reason === 'request hung') ? server.ended : null) ?? error;
    // Running out of heap while the same requests repeat is growth, not a broken service: say what was seen up to then.
    if (reason instanceof CouldNotCheck && reason.reason === 'out of memory' && batchName !== 'the warm-up') {
      const seen = probes.length >= 2 ? probeGrowth(probes[0]!, probes[1]!, probes[1]!, options.rounds).filter((growth) => growth.a > 0) : [];
      return { status: 'grows', findings: [{ kind: 'out-of-memory', during: batchName, rounds: round, heapCapMb: PROBE_HEAP_CAP_MB }, ...seen], ...summary(), ignored: 0 };
    }
    if (reason instanceof CouldNotCheck) return { status: 'could-not-probe', reason: reason.reason, sentence: reason.sentence };
    throw error;
  } finally {
    await stopTarget?.().catch(() => undefined);
    // Before the snapshots are deleted: the thread may still hold one open.
    await history?.stop().catch(() => undefined);
    workspace?.dispose(keep);
  }
}

/** What the probe does to the service it measures, started here under the harness or attached to. */
interface ProbeTarget {
  /** The folder whose code is the service's own: paths are named relative to it. */
  readonly root: string;
  readonly host: string;
  readonly port: number;
  /** The harness's process, for a service the probe started (its end explains a failure). */
  readonly server?: ServerProcess;
  probe(): Promise<Probe>;
  snapshot(file: string): Promise<void>;
  settle(): Promise<void>;
  guard(step: Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The service's figures once what it lets go of a moment after its last
 * request (a timer that stops itself at its next beat, a file closed once its
 * stream has opened) is let go of: read again until its timers and
 * descriptors are back to the baseline's, or RELEASE_WAIT_MS has passed, as a
 * check waits. What is still held then counts.
 */
async function releasedProbe(target: ProbeTarget, baseline: Probe | undefined): Promise<Probe> {
  let reading = await target.probe();
  if (!baseline) return reading;
  const held = (probe: Probe): number => probe.held.timers.length + probe.held.descriptors.length;
  if (held(reading) <= held(baseline)) return reading;
  const deadline = performance.now() + RELEASE_WAIT_MS;
  while (held(reading) > held(baseline) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    reading = await target.probe();
  }
  // What those timers and files held (a response, a file's bytes) is garbage now: collect it before it is counted.
  await target.settle();
  return target.probe();
}

async function startedTarget(options: ProbeOptions, kitService: boolean, uploadsDir: string): Promise<ProbeTarget> {
  const server = await ServerProcess.start(options.module, {
    startTimeoutMs: TIMEOUTS.startMs,
    env: { FG_UPLOADS_DIR: uploadsDir },
    // A service of yours runs from its own folder, with your environment (NODE_OPTIONS included), as it does at work.
    ...(kitService ? {} : { cwd: options.cwd ?? path.dirname(options.module), keepNodeOptions: true, audience: 'service' as const }),
    maxOldSpaceMb: PROBE_HEAP_CAP_MB,
  });
  return {
    root: kitService ? PROJECT_ROOT : (options.cwd ?? path.dirname(options.module)),
    host: '127.0.0.1',
    port: server.port,
    server,
    probe: () => server.probe(),
    snapshot: async (file) => void (await server.command({ type: 'snapshot', file }, TIMEOUTS.snapshotMs)),
    settle: () => settle(server),
    guard: (step) => guard(server, step),
    stop: () => server.stop(),
  };
}

async function attachedTarget(attach: NonNullable<ProbeOptions['attach']>, cwd: string | undefined): Promise<ProbeTarget> {
  const service = await AttachedService.connect(attach.inspector);
  return {
    root: cwd ?? (await service.workingFolder()),
    host: attach.base.hostname.replace(/^\[|\]$/g, ''),
    port: Number(attach.base.port || (attach.base.protocol === 'https:' ? 443 : 80)),
    probe: () => service.probe(),
    snapshot: (file) => service.snapshot(file),
    settle: () => service.settle(),
    guard: (step) => step,
    stop: () => service.close(),
  };
}

function refuseServerErrors(http: HttpClient): void {
  const [first, ...more] = http.serverErrors;
  if (!first) return;
  throw new CouldNotCheck(
    'server errors',
    `${first.request} was answered ${first.status}${more.length ? `, and so were ${more.length} more request(s)` : ''}: the server fails while handling these requests, and measuring a failing path says little. Send that request by hand to see the error, or probe with requests it answers.`,
  );
}

// ---------------------------------------------------------------------------
// The heap diff

interface Cluster {
  a: { objects: number; bytes: number };
  b: { objects: number; bytes: number };
  names: Map<string, number>;
  largest: IHeapNode;
  /** The object older than the batches that the new ones hang from (null: none on their path). */
  container: IHeapNode | null;
}

function nameOf(node: IHeapNode): string {
  if (node.isString) return 'string';
  if (node.type === 'closure') {
    // Transpiled code names functions with a `name` property (__name(fn, "name")).
    const named = node.name || node.getReference('name', 'property')?.toNode.toStringNode()?.stringValue;
    return `${named || '(anonymous)'}() function`;
  }
  if (node.name === 'system / Context') return 'closure scope';
  return node.name || `(${node.type})`;
}

/**
 * How many objects each outermost one stands for: itself and the objects of
 * its own kind it retains (the older links of a chain, the entries of a list
 * it heads), so that a chain of sixteen counts sixteen, not one.
 */
function likeMembers(nodes: readonly IHeapNode[], outermost: (nodes: readonly IHeapNode[]) => IHeapNode[]): Map<number, number> {
  const outer = new Set(outermost(nodes).map((node) => node.id));
  const counts = new Map<number, number>();
  for (const node of nodes) {
    let dominator: IHeapNode | null = node;
    for (let depth = 0; dominator && depth < 10_000; depth++) {
      if (outer.has(dominator.id)) {
        if (dominator === node || nameOf(dominator) === nameOf(node)) counts.set(dominator.id, (counts.get(dominator.id) ?? 0) + 1);
        break;
      }
      if (dominator.dominatorNode?.id === dominator.id) break;
      dominator = dominator.dominatorNode;
    }
  }
  return counts;
}

/** Libraries whose objects are caches with a bound. */
const CACHE_PACKAGES = /^(lru-cache|quick-lru|lru\.min|tiny-lru|mnemonist|node-cache|keyv|cacheable|@isaacs\/ttlcache|ttlcache|flru|hashlru)$/;

/** The first name on the path that says "cache": the root's variable, an edge, or an object of a cache library. */
function cacheOn(path: RetainerPath): { cache?: string } {
  if (/cache|lru/i.test(path.root.name)) return { cache: path.root.name };
  for (const step of [{ label: path.root.label, via: '' }, ...path.steps]) {
    const fromPackage = /\(([^()]+)\)$/.exec(step.label)?.[1];
    if (fromPackage && CACHE_PACKAGES.test(fromPackage)) return { cache: `${path.root.name} (${fromPackage})` };
    const named = /(?:^|[.\s])(#?[\w$]*(?:cache|lru)[\w$]*)/i.exec(step.via)?.[1];
    if (named) return { cache: named };
  }
  return {};
}

/** The file and line of the code behind an object: a function, a timer's callback, a listener. */
function madeAt(node: IHeapNode, root: string): string | undefined {
  const closure =
    node.type === 'closure'
      ? node
      : (node.references.find((edge) => edge.type === 'property' && ['_onTimeout', 'listener', 'callback', 'fn'].includes(String(edge.name_or_index)) && edge.toNode.type === 'closure')?.toNode ?? null);
  if (!closure) return undefined;
  const file = projectFile(scriptOfClosure(closure), root);
  if (!file) return undefined;
  // TypeScript runs transpiled (tsx squeezes a module onto one line): the snapshot's position is in that code, not the
  // file's. A named function is found by its definition in the source instead; an anonymous one by its file alone.
  if (TRANSPILED.test(file)) {
    const name = closure.name || closure.getReference('name', 'property')?.toNode.toStringNode()?.stringValue;
    const line = name ? definitionLine(path.join(root, file), name) : null;
    return line ? `${file}:${line}` : file;
  }
  const location = sourceLineOf(closure);
  return location ? `${file}:${location.line}` : file;
}

const TRANSPILED = /\.(ts|tsx|mts|cts|jsx)$/;

/** The one line of a source file that defines `name` (a function, or a variable a function is assigned to); null if not exactly one. */
function definitionLine(file: string, name: string): number | null {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const escaped = name.replace(/[$]/g, '\\$&');
  const definition = new RegExp(`(?:\\bfunction\\s*\\*?\\s*${escaped}\\s*[(<]|\\b(?:const|let|var)\\s+${escaped}\\s*(?::[^=]+)?=|^\\s*(?:(?:public|private|protected|static|async)\\s+)*${escaped}\\s*[(<])`);
  const lines = source.split(/\r?\n/).flatMap((text, index) => (definition.test(text) ? [index + 1] : []));
  return lines.length === 1 ? lines[0]! : null;
}

/** What a structure that gains many new objects in each batch must still rise by, in each: a bounded one replaces, it does not rise. */
const SMALL_RISE_BYTES = 512;

/** The floor a structure must grow by, in each batch, to count: about a KiB a round. */
export function heldFloor(rounds: number): number {
  return Math.max(4 * 1024, rounds * 1024);
}

/**
 * The clusters of objects born in batch A (numbered above S0's highest id, not
 * above S1's) or in batch B (above S1's) that are alive in the final heap,
 * grouped by where they hang from the older heap, and those whose structure
 * held more in both batches.
 */
async function heapGrowth(
  { readHeap, outermost }: typeof import('./analysis.ts'),
  workspace: Workspace,
  earlierHeaps: readonly [EarlierHeap, EarlierHeap],
  [highestInS0, highestInS1]: readonly [number, number],
  rounds: number,
  root: string,
): Promise<{ heap: HeapGrowth[]; ignored: number }> {
  /** Down the dominator tree from `node`: the largest part, then its largest part, while each keeps half the bytes or more. */
  const holds = (node: IHeapNode): RetainerStep[] => {
    const steps: RetainerStep[] = [];
    let current = node;
    let skipped: IHeapNode[] = [];
    for (let depth = 0; depth < 12 && steps.length < 6; depth++) {
      let best: IHeapNode | null = null;
      let via: (typeof current.references)[number] | null = null;
      for (const edge of current.references) {
        if (edge.type === 'weak' || edge.type === 'shortcut') continue;
        const child = edge.toNode;
        if (child.dominatorNode?.id !== current.id || (best && child.retainedSize <= best.retainedSize)) continue;
        best = child;
        via = edge;
      }
      if (!best || !via || best.retainedSize < node.retainedSize / 2) break;
      if (isPlumbing(best) && best.name !== 'system / JSArrayBufferData') {
        skipped = [current];
      } else {
        steps.push({ via: edgeLabel(via, skipped), label: nodeLabel(best), retainedBytes: best.retainedSize });
        skipped = [];
      }
      current = best;
    }
    // A Buffer holding its own bytes says nothing new.
    return steps.every((step) => step.label === 'ArrayBuffer' || step.label === 'the bytes (outside the JS heap)') ? [] : steps;
  };
  const heap = await readHeap(workspace.snapshot('final'));
  const bornInA: IHeapNode[] = [];
  const bornInB: IHeapNode[] = [];
  heap.nodes.forEach((node) => {
    if (!bornAfter(node.id, highestInS0) || !isProgramObject(node) || ownedByV8(node)) return;
    (bornAfter(node.id, highestInS1) ? bornInB : bornInA).push(node);
  });
  const clusters = new Map<string, Cluster>();
  for (const [batch, nodes] of [['a', bornInA], ['b', bornInB]] as const) {
    const members = likeMembers(nodes, outermost);
    for (const node of outermost(nodes)) {
      const { container, key, kits } = attachmentOf(node, (id) => !bornAfter(id, highestInS0));
      // The harness holds the app it serves: what hangs from the app (app.locals) is the service's.
      if (kits && !throughTheApp(node, container!)) continue;
      let cluster = clusters.get(key);
      if (!cluster) clusters.set(key, (cluster = { a: { objects: 0, bytes: 0 }, b: { objects: 0, bytes: 0 }, names: new Map(), largest: node, container }));
      cluster[batch].objects += members.get(node.id) ?? 1;
      cluster[batch].bytes += node.retainedSize;
      const name = nameOf(node);
      cluster.names.set(name, (cluster.names.get(name) ?? 0) + 1);
      if (node.retainedSize > cluster.largest.retainedSize) cluster.largest = node;
    }
  }
  // New objects from both batches still alive, hanging from one place: does what that place holds rise in both batches?
  // (A bounded cache that is full keeps its newest entries and drops older ones: what it holds stays level.)
  const floor = heldFloor(rounds);
  const candidates = [...clusters.values()].filter(
    (cluster) => cluster.a.objects > 0 && cluster.b.objects > 0 && (cluster.a.bytes + cluster.b.bytes >= floor || Math.min(cluster.a.objects, cluster.b.objects) >= objectFloor(rounds)),
  );
  // What each structure that new objects hang from retained before batch A and between the batches.
  const containers = candidates.flatMap((cluster) => (cluster.container ? [cluster.container.id] : []));
  const before = new Map<number, [number, number]>();
  if (containers.length) {
    const [s0, s1] = await Promise.all(earlierHeaps.map((earlier) => earlier.retainedSizes(containers))).catch(async () => {
      // The thread could not answer (it ran out of memory, say): parse them here, one after the other.
      const sizesIn = async (name: 'baseline' | 'target'): Promise<number[]> => {
        const parsed = await readHeap(workspace.snapshot(name), { paths: false });
        return containers.map((id) => parsed.getNodeById(id)?.retainedSize ?? 0);
      };
      return [await sizesIn('baseline'), await sizesIn('target')];
    });
    containers.forEach((id, i) => before.set(id, [s0![i]!, s1![i]!]));
  }
  const growing: Array<{ cluster: Cluster; held?: [number, number, number] }> = [];
  for (const cluster of candidates) {
    if (!cluster.container) {
      // Nothing older holds them: only many objects and real bytes in both batches count (V8's own bookkeeping comes in crumbs).
      if (growsInBoth(cluster.a, cluster.b, rounds) && Math.min(cluster.a.bytes, cluster.b.bytes) >= floor) growing.push({ cluster });
      continue;
    }
    const [inS0, inS1] = before.get(cluster.container.id)!;
    const held: [number, number, number] = [inS0, inS1, cluster.container.retainedSize];
    const risesInBoth = (by: number): boolean => held[1] - held[0] >= by && held[2] - held[1] >= by;
    // Many small things a round (listeners, timers, entries) count by number; a few large ones by bytes.
    const manyEachBatch = Math.min(cluster.a.objects, cluster.b.objects) >= objectFloor(rounds);
    if (risesInBoth(floor) || (manyEachBatch && risesInBoth(SMALL_RISE_BYTES))) growing.push({ cluster, held });
  }
  const heapFindings = growing
    .sort((x, y) => y.cluster.a.bytes + y.cluster.b.bytes - (x.cluster.a.bytes + x.cluster.b.bytes))
    .map(({ cluster, held }): HeapGrowth => {
      const names = [...cluster.names].sort((x, y) => y[1] - x[1]);
      const what = names.slice(0, 3).map(([name]) => name).join(', ') + (names.length > 3 ? ', …' : '');
      const where = madeAt(cluster.largest, root);
      const path = readablePath(cluster.largest, root, { packages: true });
      return {
        kind: 'heap',
        what,
        a: cluster.a,
        b: cluster.b,
        path,
        holds: holds(cluster.largest),
        ...(held ? { held } : {}),
        ...(where ? { madeAt: where } : {}),
        ...cacheOn(path),
      };
    });
  return { heap: heapFindings, ignored: clusters.size - growing.length };
}

// ---------------------------------------------------------------------------
// The probe figures: memory outside the heap, handles, descriptors

interface ProbeFigure {
  readonly name: string;
  readonly unit: 'bytes' | 'objects';
  readonly read: (probe: Probe) => number;
  /** What the harness recorded of the things this figure counts, with where each was made. */
  readonly held?: (probe: Probe) => readonly HeldResource[];
}

function probeFigures(probes: readonly Probe[]): ProbeFigure[] {
  const kinds = new Set(probes.flatMap((probe) => Object.keys(probe.resources.active)));
  return [
    { name: 'memory held by Buffers and typed arrays (arrayBuffers)', unit: 'bytes', read: (probe) => probe.memory.arrayBuffers },
    { name: 'memory outside the JavaScript heap (external)', unit: 'bytes', read: (probe) => probe.memory.external },
    // Recorded as the service opens and closes them (every platform), each with its file and the line that opened it.
    { name: 'open file descriptors', unit: 'objects', read: (probe) => probe.held.descriptors.length || (probe.resources.fileDescriptors ?? 0), held: (probe) => probe.held.descriptors },
    { name: 'timers still running (unref\'d ones too)', unit: 'objects', read: (probe) => probe.held.timers.length, held: (probe) => probe.held.timers },
    ...[...kinds].sort().map(
      (kind): ProbeFigure => ({ name: `active ${kind} handles`, unit: 'objects', read: (probe) => probe.resources.active[kind] ?? 0 }),
    ),
  ];
}

/** What is held at the end and was not at the start, counted by what it is and where it was made: "16 × report.txt, opened at service.mjs:9:5". */
function newPlaces(before: readonly HeldResource[], after: readonly HeldResource[]): string[] {
  const old = new Set(before.map((resource) => resource.key));
  const counts = new Map<string, number>();
  for (const resource of after) {
    if (old.has(resource.key)) continue;
    const place = `${resource.what}${resource.location ? `, made at ${resource.location}` : ''}`;
    counts.set(place, (counts.get(place) ?? 0) + 1);
  }
  return [...counts].sort((x, y) => y[1] - x[1]).map(([place, count]) => `${count} × ${place}`);
}

export function probeGrowth(p0: Probe, p1: Probe, p2: Probe, rounds: number): ProbeGrowth[] {
  const findings: ProbeGrowth[] = [];
  for (const figure of probeFigures([p0, p1, p2])) {
    const a = figure.read(p1) - figure.read(p0);
    const b = figure.read(p2) - figure.read(p1);
    const grows = figure.unit === 'bytes' ? a >= BYTES_FLOOR && b >= BYTES_FLOOR && comparable(a, b) : a >= objectFloor(rounds) && b >= objectFloor(rounds) && comparable(a, b);
    if (grows) findings.push({ kind: 'probe', name: figure.name, unit: figure.unit, a, b, ...(figure.held ? { places: newPlaces(figure.held(p0), figure.held(p2)) } : {}) });
  }
  // The recorded timers are the active Timeout handles, with their lines, and unref'd ones too: say it once.
  if (findings.some((finding) => finding.name.startsWith('timers still running'))) {
    const handles = findings.findIndex((finding) => finding.name === 'active Timeout handles');
    if (handles >= 0) findings.splice(handles, 1);
  }
  // external includes arrayBuffers: say it once, unless the rest grew on its own.
  const buffers = findings.find((finding) => finding.name.includes('arrayBuffers'));
  const external = findings.findIndex((finding) => finding.name.includes('(external)'));
  if (buffers && external >= 0) {
    const rest = { a: findings[external]!.a - buffers.a, b: findings[external]!.b - buffers.b };
    if (!(rest.a >= BYTES_FLOOR && rest.b >= BYTES_FLOOR)) findings.splice(external, 1);
  }
  return findings;
}
