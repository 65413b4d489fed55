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
import path from 'node:path';
import type { IHeapNode } from '@memlab/core';
import { CouldNotCheck } from './errors.ts';
import { ensureFixtures, PROJECT_ROOT } from './fixtures.ts';
import { bornAfter } from './heap-ids.ts';
import type { Probe } from './protocol.ts';
import { describeRequest, sendRound, type ProbeRequest, type StatusCounts } from './probe-traffic.ts';
import { guard, numberHeap, settle, TIMEOUTS } from './run.ts';
import { ServerProcess } from './server-process.ts';
import { HttpClient } from './traffic.ts';
import type { RetainerPath, RetainerStep } from './types.ts';
import { createWorkspace, type Workspace } from './workspace.ts';

const MiB = 1024 * 1024;

export interface ProbeOptions {
  /** The module exporting an Express app, a request listener or an http.Server (default or `app`). */
  readonly module: string;
  readonly requests: readonly ProbeRequest[];
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
}

/** A figure from the harness's probe (memory outside the heap, handles, descriptors) that grew in both batches. */
export interface ProbeGrowth {
  readonly kind: 'probe';
  readonly name: string;
  readonly unit: 'bytes' | 'objects';
  readonly a: number;
  readonly b: number;
}

export type Growth = HeapGrowth | ProbeGrowth;

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
  | { readonly status: 'could-not-probe'; readonly reason: string; readonly sentence: string };

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

export async function runProbe(options: ProbeOptions): Promise<ProbeResult> {
  let workspace: Workspace | null = null;
  let server: ServerProcess | null = null;
  let keep = false;
  const times: Record<string, number> = {};
  let phase: { name: string; started: number } | null = null;
  const enter = (name: string | null): void => {
    if (phase) times[phase.name] = (times[phase.name] ?? 0) + performance.now() - phase.started;
    phase = name ? { name, started: performance.now() } : null;
    if (name) options.onPhase?.(name);
  };
  try {
    workspace = createWorkspace();
    // The kit's own services read the generated fixtures; a service of yours does not need them.
    if (!path.relative(PROJECT_ROOT, options.module).startsWith('..')) ensureFixtures();
    enter('start');
    const starting = ServerProcess.start(options.module, { startTimeoutMs: TIMEOUTS.startMs, env: { FG_UPLOADS_DIR: workspace.uploadsDir } });
    // memlab takes a few hundred milliseconds to load: load it while the server starts.
    const analysis = import('./analysis.ts');
    analysis.catch(() => undefined);
    server = await starting;
    const running = server;
    const http = new HttpClient(running.port, TIMEOUTS.requestMs);
    const bodies = new Map<string, Buffer>();
    const statuses: StatusCounts = new Map();
    let round = 0;
    const batch = async (rounds: number): Promise<void> => {
      for (let i = 0; i < rounds; i++) await guard(running, sendRound(http, options.requests, ++round, bodies, statuses));
      await settle(running);
      refuseServerErrors(http);
    };
    const keeping = options.keepSnapshots ?? false;
    /** Read the process, then number its heap (written to a file only when kept). */
    const numbered = async (name: 'baseline' | 'target'): Promise<{ probe: Probe; highestId: number }> => {
      const probe = await running.probe();
      return { probe, highestId: await numberHeap(running, keeping ? workspace!.snapshot(name) : undefined) };
    };

    enter('warm-up');
    await batch(options.warmupRounds);
    enter('snapshots');
    const s0 = await numbered('baseline');
    enter('batch A');
    await batch(options.rounds);
    enter('snapshots');
    const s1 = await numbered('target');
    enter('batch B');
    await batch(options.rounds);
    enter('snapshots');
    const p2 = await running.probe();
    await running.command({ type: 'snapshot', file: workspace.snapshot('final') }, TIMEOUTS.snapshotMs);
    await server.stop();
    server = null;

    enter('analysis');
    const { heap, ignored } = await heapGrowth(await analysis, workspace.snapshot('final'), [s0.highestId, s1.highestId], options.rounds);
    enter(null);
    const findings: Growth[] = [...heap, ...probeGrowth(s0.probe, s1.probe, p2, options.rounds)];
    keep = keeping;
    return {
      status: findings.length ? 'grows' : 'steady',
      findings,
      rounds: options.rounds,
      warmupRounds: options.warmupRounds,
      requests: options.requests.map(describeRequest),
      statuses: Object.fromEntries([...statuses].map(([request, counts]) => [request, Object.fromEntries(counts)])),
      ignored,
      times,
      ...(keep ? { snapshots: (['baseline', 'target', 'final'] as const).map((name) => workspace!.snapshot(name)) } : {}),
    };
  } catch (error) {
    enter(null);
    const reason = (server?.ended && !(error instanceof CouldNotCheck && error.reason === 'request hung') ? server.ended : null) ?? error;
    if (reason instanceof CouldNotCheck) return { status: 'could-not-probe', reason: reason.reason, sentence: reason.sentence };
    throw error;
  } finally {
    await server?.stop();
    workspace?.dispose(keep);
  }
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

/** V8's own objects (compiled code, shapes, feedback, backing stores): never the program's data. */
function isProgramObject(node: IHeapNode): boolean {
  if (node.type === 'synthetic' || node.type === 'code' || node.type === 'hidden' || node.type === 'object shape') return false;
  if (node.type === 'array' && (node.name === '' || node.name.startsWith('('))) return false;
  return !node.name.startsWith('system / ') || node.name === 'system / Context';
}

/**
 * Objects only V8's compiled code and feedback keep (an object literal's
 * boilerplate under its AllocationSite, say): the JIT's, not the program's.
 * Also those memlab finds no retaining path to: V8 holds them by edges a
 * program cannot have.
 */
function ownedByV8(node: IHeapNode): boolean {
  if (!node.pathEdge) return true;
  let dominator = node.dominatorNode;
  for (let depth = 0; dominator && depth < 8; depth++) {
    if (dominator.type === 'code') return true;
    if (isProgramObject(dominator)) return false;
    dominator = dominator.dominatorNode;
  }
  return false;
}

interface Cluster {
  a: { objects: number; bytes: number };
  b: { objects: number; bytes: number };
  names: Map<string, number>;
  largest: IHeapNode;
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
 * The clusters of objects born in batch A (numbered above S0's highest id, not
 * above S1's) or in batch B (above S1's) that are alive in the final heap.
 */
async function heapGrowth(
  { readHeap, outermost }: typeof import('./analysis.ts'),
  final: string,
  [highestInS0, highestInS1]: readonly [number, number],
  rounds: number,
): Promise<{ heap: HeapGrowth[]; ignored: number }> {
  const { pathSignature, readablePath, nodeLabel, edgeLabel, isPlumbing } = await import('./trace.ts');
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
  const heap = await readHeap(final);
  const bornInA: IHeapNode[] = [];
  const bornInB: IHeapNode[] = [];
  heap.nodes.forEach((node) => {
    if (!bornAfter(node.id, highestInS0) || !isProgramObject(node) || ownedByV8(node)) return;
    (bornAfter(node.id, highestInS1) ? bornInB : bornInA).push(node);
  });
  const clusters = new Map<string, Cluster>();
  for (const [batch, nodes] of [['a', bornInA], ['b', bornInB]] as const) {
    for (const node of outermost(nodes)) {
      const key = pathSignature(readablePath(node));
      let cluster = clusters.get(key);
      if (!cluster) clusters.set(key, (cluster = { a: { objects: 0, bytes: 0 }, b: { objects: 0, bytes: 0 }, names: new Map(), largest: node }));
      cluster[batch].objects += 1;
      cluster[batch].bytes += node.retainedSize;
      const name = nameOf(node);
      cluster.names.set(name, (cluster.names.get(name) ?? 0) + 1);
      if (node.retainedSize > cluster.largest.retainedSize) cluster.largest = node;
    }
  }
  const growing = [...clusters.values()].filter((cluster) => growsInBoth(cluster.a, cluster.b, rounds));
  const heapFindings = growing
    .sort((x, y) => y.a.bytes + y.b.bytes - (x.a.bytes + x.b.bytes))
    .map((cluster): HeapGrowth => {
      const names = [...cluster.names].sort((x, y) => y[1] - x[1]);
      const what = names.slice(0, 3).map(([name]) => name).join(', ') + (names.length > 3 ? ', …' : '');
      return { kind: 'heap', what, a: cluster.a, b: cluster.b, path: readablePath(cluster.largest), holds: holds(cluster.largest) };
    });
  return { heap: heapFindings, ignored: clusters.size - growing.length };
}

// ---------------------------------------------------------------------------
// The probe figures: memory outside the heap, handles, descriptors

interface ProbeFigure {
  readonly name: string;
  readonly unit: 'bytes' | 'objects';
  readonly read: (probe: Probe) => number;
}

function probeFigures(probes: readonly Probe[]): ProbeFigure[] {
  const kinds = new Set(probes.flatMap((probe) => Object.keys(probe.resources.active)));
  return [
    { name: 'memory held by Buffers and typed arrays (arrayBuffers)', unit: 'bytes', read: (probe) => probe.memory.arrayBuffers },
    { name: 'memory outside the JavaScript heap (external)', unit: 'bytes', read: (probe) => probe.memory.external },
    { name: 'open file descriptors', unit: 'objects', read: (probe) => probe.resources.fileDescriptors ?? 0 },
    ...[...kinds].sort().map(
      (kind): ProbeFigure => ({ name: `active ${kind} handles`, unit: 'objects', read: (probe) => probe.resources.active[kind] ?? 0 }),
    ),
  ];
}

export function probeGrowth(p0: Probe, p1: Probe, p2: Probe, rounds: number): ProbeGrowth[] {
  const findings: ProbeGrowth[] = [];
  for (const figure of probeFigures([p0, p1, p2])) {
    const a = figure.read(p1) - figure.read(p0);
    const b = figure.read(p2) - figure.read(p1);
    const grows = figure.unit === 'bytes' ? a >= BYTES_FLOOR && b >= BYTES_FLOOR && comparable(a, b) : a >= objectFloor(rounds) && b >= objectFloor(rounds) && comparable(a, b);
    if (grows) findings.push({ kind: 'probe', name: figure.name, unit: figure.unit, a, b });
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
