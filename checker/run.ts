/**
 * One check, step by step: start the server, warm it up, number its heap (the
 * baseline), drive the traffic, settle, take the snapshot after it, hold the
 * server to its functional contract while memlab reads what stayed, and
 * return the verdict. Everything started here is ended here.
 */
import { rmSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AnalysisThread } from './analysis-thread.ts';
import type { NumberedHeap } from './analysis.ts';
import { ensureFixtures } from './fixtures.ts';
import { CouldNotCheck } from './errors.ts';
import type { HarnessCommand, Probe, SampledPeaks } from './protocol.ts';
import { RELEASE_WAIT_MS } from './protocol.ts';
import { ServerProcess } from './server-process.ts';
import { epochMs, HttpClient, MAX_AWAITS_ON_FILES } from './traffic.ts';
import type { CheckContext, CheckSpec, GrowthMeasure, HeapMeasure, MeasureResult, PeakMeasure, PhaseTimes, ProbeMeasure, ResourceMeasure, TimelinePoint, Verdict } from './types.ts';
import { resourceResult, resourcesSettled } from './instruments.ts';
import { createWorkspace, type Workspace } from './workspace.ts';
import { parseStackFrame } from './stack-frame.ts';
import { ownLeaks } from './report.ts';
import { STEADY_WALL_CAP_MS } from './steady.ts';
import { isHarnessFile, placeGlobalRoot, projectFile } from './trace.ts';

export type Phase = keyof PhaseTimes;

export interface RunOptions {
  /** The server.ts to check. */
  readonly serverFile: string;
  /** The scenario's check.ts. */
  readonly checkFile: string;
  /** Keep the heap snapshots from before and after the traffic, for DevTools; their paths are in the verdict. */
  readonly keepSnapshots?: boolean;
  /** Called when a phase starts, for a progress line. */
  readonly onPhase?: (phase: Phase) => void;
  /** Read the server's memory every few milliseconds while it runs, for the report's chart. */
  readonly timeline?: boolean;
  /**
   * Watch mode's check standing by: everything the check needs is loaded and
   * its server's process started, and the server file is loaded only once the
   * promise this returns settles (the next save).
   */
  readonly startWhen?: () => Promise<void>;
}

export const TIMEOUTS = {
  startMs: 20_000,
  requestMs: 10_000,
  settleMs: 10_000,
  snapshotMs: 60_000,
} as const;

export async function loadCheck(checkFile: string): Promise<CheckSpec> {
  const module = (await import(pathToFileURL(checkFile).href)) as { default?: CheckSpec };
  if (!module.default) throw new Error(`${checkFile} has no default export (its CheckSpec)`);
  return module.default;
}

class Clock {
  readonly times: Partial<PhaseTimes> = {};
  current: { phase: Phase; started: number } | null = null;
  constructor(private readonly onPhase?: (phase: Phase) => void) {}
  enter(phase: Phase): void {
    this.stop();
    this.current = { phase, started: performance.now() };
    this.onPhase?.(phase);
  }
  stop(): void {
    if (this.current) this.times[this.current.phase] = (this.times[this.current.phase] ?? 0) + performance.now() - this.current.started;
    this.current = null;
  }
}

export async function runCheck(options: RunOptions): Promise<Verdict> {
  const clock = new Clock(options.onPhase);
  let workspace: Workspace | null = null;
  let server: ServerProcess | null = null;
  let client: HttpClient | null = null;
  let keep = false;
  let timeline: Timeline | null = null;
  let analyser: AnalysisThread | null = null;
  const numbered: Record<string, NumberedHeap> = {};
  try {
    const spec = await loadCheck(options.checkFile);
    workspace = createWorkspace();
    ensureFixtures();
    // Files the traffic adds to are the check's own copies: the shared fixtures stay as they are.
    const filesDir = spec.growingFiles?.length ? workspace.ownFiles(spec.growingFiles) : undefined;

    let go: () => void = () => undefined;
    const loadWhen = options.startWhen ? new Promise<void>((resolve) => (go = resolve)) : undefined;
    if (!loadWhen) clock.enter('start');
    const starting = ServerProcess.start(options.serverFile, {
      startTimeoutMs: TIMEOUTS.startMs,
      // Its own temporary folder (the harness points its os.tmpdir() there), in the workspace: what it leaves there is seen, then deleted with it.
      env: { FG_UPLOADS_DIR: workspace.uploadsDir, FG_TEMP_DIR: workspace.tempDir, ...(filesDir ? { FG_FILES_DIR: filesDir } : {}) },
      ...(loadWhen ? { loadWhen } : {}),
      strictReleases: true,
    });
    // A server that cannot start says so when it is awaited; until then its failure is no one's.
    starting.catch(() => undefined);
    // Scenarios whose leaks live outside the heap (descriptors, peaks) need no snapshots, unless asked to keep them.
    const heapMeasures = spec.measures.filter((measure): measure is HeapMeasure => measure.kind === 'heap');
    const growthMeasures = spec.measures.filter((measure): measure is GrowthMeasure => measure.kind === 'growth');
    const readsHeap = heapMeasures.length > 0 || growthMeasures.length > 0;
    const takeSnapshots = readsHeap || (options.keepSnapshots ?? false);
    // memlab and the check take a few hundred milliseconds to load: its thread loads them while the server starts.
    if (readsHeap) analyser = AnalysisThread.forCheck(options.checkFile);
    if (options.startWhen) {
      await options.startWhen();
      clock.enter('start');
      go();
    }
    server = await starting;
    const running = server;
    if (options.timeline) timeline = recordTimeline(running, clock);
    const breaches: string[] = [];
    const checkpoints: Checkpoint[] = [];
    // The checkpoints a growth measure reads from: the heap is numbered there, and its snapshot kept for the analysis.
    const ws = workspace;
    const numberAt = new Map(growthMeasures.map((measure) => [measure.from, async () => {
      const file = ws.snapshot(`checkpoint-${numberedFileName(measure.from)}`);
      numbered[measure.from] = { snapshot: file, highestId: await numberHeap(running, file, true) };
    }] as const));
    const context = createCheckContext(running, workspace.uploadsDir, (sentence) => void breaches.push(sentence), workspace.tempDir, filesDir, checkpoints, numberAt);
    const http = context.http;
    client = http;

    clock.enter('warmup');
    await guard(running, spec.warmup(context));
    await context.settle();
    refuseServerErrors(running, http);

    clock.enter('snapshots');
    const before = await running.probe();
    const keeping = options.keepSnapshots ?? false;
    const baselineHighestId = takeSnapshots ? await numberHeap(running, workspace.snapshot('baseline'), keeping) : 0;

    clock.enter('traffic');
    const sampling = spec.measures.some((measure) => measure.kind === 'peak');
    if (sampling) await running.command({ type: 'start-sampling', intervalMs: SAMPLE_INTERVAL_MS }, TIMEOUTS.requestMs);
    await guard(running, spec.traffic(context));
    const peaks = sampling ? await running.command<SampledPeaks>({ type: 'stop-sampling' }, TIMEOUTS.requestMs) : null;
    await context.settle();
    refuseServerErrors(running, http);

    clock.enter('snapshots');
    const resourceMeasures = spec.measures.filter((measure): measure is ResourceMeasure => measure.kind === 'resources');
    const settledAt = performance.now();
    const first = await running.probe();
    const settledFirst = resourcesSettled(resourceMeasures, before, first);
    const heap = { snapshot: workspace.snapshot('final'), baselineHighestId, checkpoints: numbered };
    // Resources all let go of: what has closed no longer needs a WeakRef kept full (see KeptWeakRefs), and the heap is read as the language has it.
    if (takeSnapshots) await snapshot(running, heap.snapshot, settledFirst);
    // memlab reads the heap in its thread while the resources get the rest of their time and the server answers the contract: two cores at work.
    let findingsReady = analyser ? analyser.analyse(options.checkFile, heap) : Promise.resolve([]);
    const after = settledFirst ? first : await probeSettledResources(running, before, resourceMeasures, settledAt + RELEASE_WAIT_MS);
    if (analyser && !settledFirst && resourcesSettled(resourceMeasures, before, after)) {
      // The server let go of its resources after the snapshot: what they held may have gone too. The heap is read again, as it is now.
      if (await findingsReady.then(() => false, () => true)) {
        // A thread that failed on the first reading gets no second chance: a new one reads the second.
        await analyser.stop();
        analyser = AnalysisThread.forCheck(options.checkFile);
      }
      await snapshot(running, heap.snapshot, true);
      findingsReady = analyser.analyse(options.checkFile, heap);
    }

    clock.enter('contract');
    await guard(running, spec.contract(context));
    // The kept-alive connections stayed open through the measures, as a browser's do; now they may go.
    http.closeKeptAlive();
    const points = await timeline?.stop();
    await server.stop();

    clock.enter('analysis');
    const findings = await findingsReady;
    clock.stop();

    const results: MeasureResult[] = spec.measures.map((measure) => {
      if (measure.kind === 'probe') return probeResult(measure, before, after, checkpoints);
      if (measure.kind === 'peak') return peakResult(measure, peaks!, http);
      if (measure.kind === 'resources') {
        const result = resourceResult(measure, before, after);
        return measure.advice && !result.passed ? { ...result, advice: measure.advice } : result;
      }
      if (measure.kind === 'growth') {
        const finding = findings[heapMeasures.length + growthMeasures.indexOf(measure)]!;
        const passed = finding.bytes <= measure.bar;
        return {
          name: measure.name,
          unit: measure.unit,
          value: finding.bytes,
          bar: measure.bar,
          passed,
          ...(measure.guards ? { guards: measure.guards } : {}),
          ...(!passed && measure.advice ? { advice: measure.advice } : {}),
          ...(finding.path ? { path: placeGlobalRoot(finding.path, options.serverFile), otherPaths: finding.otherPaths, pathToHolder: true } : {}),
        };
      }
      const finding = findings[heapMeasures.indexOf(measure)]!;
      const value = measure.unit === 'bytes' ? finding.bytes : finding.objects;
      const passed = value <= measure.bar;
      return {
        name: measure.name,
        unit: measure.unit,
        value,
        bar: measure.bar,
        objects: finding.objects,
        describe: measure.select.describe,
        passed,
        ...(measure.guards ? { guards: measure.guards } : {}),
        ...(measure.sameLeak ? { sameLeak: true } : {}),
        ...(finding.path ? { path: placeGlobalRoot(finding.path, options.serverFile), otherPaths: finding.otherPaths } : {}),
      };
    });
    const measures = spec.countLeaks ? attributeLeaks(results, spec.leakFiles) : results;
    // A measure nothing here can read says nothing about the server: that is no FAIL, it is a check that could not be made.
    const unreadable = measures.find((measure) => measure.notMeasured);
    if (unreadable) {
      throw new CouldNotCheck(
        'not measurable here',
        `Nothing on this machine can measure "${unreadable.name}": ${(unreadable.unavailable ?? []).join('; ')}. Nothing was measured, so nothing can be said about it: a leak there would go unseen.`,
      );
    }
    const passed = breaches.length === 0 && measures.every((measure) => measure.passed);
    keep = keeping && takeSnapshots;
    return {
      status: passed ? 'pass' : 'fail',
      measures,
      ...(spec.countLeaks ? { leaks: countLeaks(measures) } : {}),
      breaches,
      times: clock.times as PhaseTimes,
      ...(points ? { timeline: points } : {}),
      ...(keep ? { snapshots: [workspace.snapshot('baseline'), workspace.snapshot('final')] } : {}),
    };
  } catch (error) {
    clock.stop();
    const reason = (server?.ended && !(error instanceof CouldNotCheck && error.reason === 'request hung') ? server.ended : null) ?? error;
    if (reason instanceof CouldNotCheck) {
      const before = reason.reason === 'crashed' && client ? justBefore(client) : '';
      const sentence = before ? `${reason.sentence}${/[.!?]$/.test(reason.sentence) ? '' : '.'}${before}` : reason.sentence;
      return { status: 'could-not-check', reason: reason.reason, sentence, times: clock.times };
    }
    throw error;
  } finally {
    client?.closeKeptAlive();
    await timeline?.stop();
    await server?.stop();
    // Before the workspace goes: memlab may still be reading the snapshot (a contract that could not be checked), and a file in use cannot be deleted everywhere.
    await analyser?.release();
    // The heaps numbered at checkpoints are the analysis's own: --keep keeps the baseline and the final heap.
    for (const numberedHeap of Object.values(numbered)) rmSync(numberedHeap.snapshot, { force: true });
    workspace?.dispose(keep);
  }
}

/** What the check's clients did in the last moments before a crash, as a sentence to add ('' when nothing). */
export function justBefore(http: HttpClient, now = epochMs()): string {
  const recent = http.trail.filter((step) => now - step.at <= CRASH_TRAIL_MS).slice(-3);
  return recent.length ? ` Just before, the check's clients had ${recent.map((step) => step.what).join(', then ')}.` : '';
}

/** The files a failed measure names as where what stayed was made: its places' lines, its retainer path's declarations and functions. */
function filesNamedBy(measure: MeasureResult): string[] {
  const texts = [...(measure.places ?? []).map((place) => place.location ?? '')];
  if (measure.path) texts.push(measure.path.root.declaredAt ?? '', measure.path.root.description, ...measure.path.steps.map((step) => step.label));
  const files = texts.flatMap((text) => [...text.matchAll(/([\w.-]+\.(?:[cm]?[jt]sx?)):\d+/g)].map((match) => match[1]!));
  return [...new Set(files)];
}

/**
 * The leaks each measure counts against: its own, or, when it failed on what a line of another leak's file made
 * (`leakFiles`, one per leak), that leak's: a leak is one module's, whichever measure caught it.
 */
export function attributeLeaks(measures: readonly MeasureResult[], leakFiles: readonly string[] | undefined): MeasureResult[] {
  const own = ownLeaks(measures);
  return measures.map((measure, index) => {
    const found = measure.passed || !leakFiles ? [] : filesNamedBy(measure).filter((file) => leakFiles.includes(file));
    if (!found.length) return { ...measure, leaks: [own[index]!] };
    const leaks = [...new Set(found.map((file) => leakFiles!.indexOf(file) + 1))].sort((a, b) => a - b);
    return { ...measure, leaks, foundIn: found };
  });
}

/** How many leaks the measures found, and how many are fixed: a leak is fixed when every measure that counts against it passes. */
export function countLeaks(measures: readonly MeasureResult[]): { total: number; fixed: number } {
  const own = ownLeaks(measures);
  const total = Math.max(0, ...own);
  let fixed = 0;
  for (let leak = 1; leak <= total; leak++) {
    if (measures.every((measure, index) => measure.passed || !(measure.leaks ?? [own[index]]).includes(leak))) fixed++;
  }
  return { total, fixed };
}

/** What a scenario's traffic and contract work with, for a running server (the check's, or the demo's). */
export function createCheckContext(
  server: ServerProcess,
  uploadsDir: string,
  breach: (sentence: string) => void,
  tempDir?: string,
  filesDir?: string,
  /** Where the readings of `context.checkpoint()` go (none kept without it). */
  checkpoints?: Checkpoint[],
  /** What else to do at a labelled checkpoint, once the server's memory is read (number the heap, for a growth measure). */
  atCheckpoint?: ReadonlyMap<string, () => Promise<void>>,
): CheckContext {
  const http = new HttpClient(server.port, TIMEOUTS.requestMs);
  /** Hang up on a GET while the server keeps back the call `hold` names; the call held, or null when the handler answered without one. */
  const hangUpWhileHeld = async (
    hold: HarnessCommand & { type: 'hold-file-system' | 'hold-stream-reads' },
    path: string,
    headers?: Record<string, string>,
    method = 'GET',
  ): Promise<string | null> => {
    await server.command(hold, TIMEOUTS.requestMs);
    const request = http.openRequest(path, headers, method);
    const held = await Promise.race([server.command<string | null>({ type: 'file-system-held' }, TIMEOUTS.requestMs), request.answered.then(() => null)]);
    await request.hangUp();
    await server.command({ type: 'release-file-system' }, TIMEOUTS.requestMs);
    return held;
  };
  return {
    http,
    async probe(options) {
      if (options?.collected) await server.command({ type: 'gc' }, TIMEOUTS.requestMs);
      return server.probe();
    },
    emitFileChanged: (name) => server.command({ type: 'emit-file-changed', name }, TIMEOUTS.requestMs),
    async checkpoint(label) {
      if (!checkpoints) return;
      // What the traffic started is done first (a read for a client that hung up, on a slow machine as on a fast one), then collected.
      await settle(server);
      checkpoints.push({ ...(label ? { label } : {}), probe: await server.probe() });
      if (label) await atCheckpoint?.get(label)?.();
    },
    async appendToStoredFile(name, text) {
      if (!filesDir) throw new Error(`the check adds to ${name}, which is not one of its growingFiles`);
      await appendFile(path.join(filesDir, name), text);
    },
    // The harness bounds its wait by the server's work, and by STEADY_WALL_CAP_MS however busy the machine: wait that long.
    untilSteady: () => server.command<boolean>({ type: 'until-steady' }, TIMEOUTS.requestMs + STEADY_WALL_CAP_MS),
    async withSlowDisk(stallEveryBytes, work) {
      await server.command({ type: 'slow-disk', stallEveryBytes }, TIMEOUTS.requestMs);
      try {
        await work();
      } finally {
        // A server that died during the work has its own story to tell: a failed reply here must not replace it.
        await server.command({ type: 'fast-disk' }, TIMEOUTS.requestMs).catch(() => undefined);
      }
    },
    readsAfterHangUpLast: () => server.command({ type: 'reads-after-hang-up-last' }, TIMEOUTS.requestMs),
    hangUpWhileReadingFile: (path, headers) => hangUpWhileHeld({ type: 'hold-file-system' }, path, headers),
    async missTogether(path, clients, timeoutMs) {
      await server.command({ type: 'hold-file-system' }, TIMEOUTS.requestMs);
      const responses = Array.from({ length: clients }, () => http.request(path, timeoutMs ? { timeoutMs } : {}));
      for (const response of responses) response.catch(() => undefined);
      try {
        await server.command({ type: 'requests-held', count: clients }, TIMEOUTS.requestMs);
      } finally {
        await server.command({ type: 'release-file-system', together: true }, TIMEOUTS.requestMs);
      }
      return Promise.allSettled(responses);
    },
    hangUpWhileStreamingFile: (path, headers) => hangUpWhileHeld({ type: 'hold-stream-reads' }, path, headers),
    async hangUpAtEachAwait(path, clients, upload) {
      // An upload's handler may read no file before its body: waiting for the body ends the hold.
      const hold = { type: 'hold-file-system', ...(upload ? { untilHandlerWaits: true } : {}) } as const;
      let attempt = 0;
      for (let callsFirst = 0; callsFirst < MAX_AWAITS_ON_FILES; callsFirst++) {
        let held: string | null = null;
        for (const headers of clients) {
          held = await hangUpWhileHeld({ ...hold, skip: callsFirst }, typeof path === 'string' ? path : path(attempt), headers, upload?.method);
          attempt += 1;
        }
        if (held === null) return;
      }
    },
    async heldWhilePaused(path, headers) {
      // First, while the traffic's garbage is collected, so Buffers that come and go cannot hide a whole file.
      await server.command({ type: 'gc' }, TIMEOUTS.requestMs);
      const before = (await server.probe()).memory.arrayBuffers;
      const paused = await http.startPausedDownload(path, headers);
      await server.command<boolean>({ type: 'until-steady' }, TIMEOUTS.requestMs + STEADY_WALL_CAP_MS);
      await server.command({ type: 'gc' }, TIMEOUTS.requestMs);
      const held = (await server.probe()).memory.arrayBuffers - before;
      // What it holds is known: the client goes, as a paused one often does. Reading the rest would time the compressor, not the server.
      paused.abort();
      await settle(server);
      return held;
    },
    async readsWaitForFirstBytes(afterBytes, download) {
      await server.command({ type: 'first-bytes-hold', afterBytes }, TIMEOUTS.requestMs);
      const result = download();
      // Its failure is the caller's to see, once the disk answers again.
      result.catch(() => undefined);
      const waitedOn = await server.command<string | null>({ type: 'until-first-bytes' }, TIMEOUTS.requestMs + STEADY_WALL_CAP_MS);
      return { waitedOn, result: await result };
    },
    settle: () => settle(server),
    breach,
    uploadsDir,
    ...(tempDir ? { tempDir } : {}),
  };
}

/**
 * Run a traffic or contract step; if it fails because the server died, the
 * server's own story (crash, exit) is the one to tell.
 */
export async function guard(server: ServerProcess, step: Promise<void>): Promise<void> {
  try {
    await step;
  } catch (error) {
    if (error instanceof CouldNotCheck && error.reason === 'connection failed') {
      // Either the process is gone (its exit explains the failure) or it answers a probe and the failure stands.
      await server.probe().catch(() => undefined);
      if (server.ended) throw server.ended;
    }
    if (error instanceof CouldNotCheck && error.reason === 'request hung') {
      // A handler that forgot to answer leaves the process free; an endless loop leaves it deaf to the checker too.
      const answered = await server.probe(BUSY_PROBE_MS).then(
        () => true,
        () => false,
      );
      if (server.ended) throw server.ended;
      // A process that is busy may be a garbage collector fighting for the last bytes of heap: if it dies soon, say why.
      if (!answered && (await server.waitForExit(DYING_GRACE_MS)) && server.ended) throw server.ended;
      // Its memory read from outside tells the two apart: near its heap's limit, it is collecting garbage, and V8 ends it
      // once collecting frees too little; a busy machine only makes that take longer.
      if (!answered && (await nearHeapLimit(server)) && (await server.waitForExit(NEAR_LIMIT_GRACE_MS)) && server.ended) throw server.ended;
      if (!answered) {
        throw new CouldNotCheck(
          'process busy',
          `${error.sentence.split(' got no')[0]} got no response, and the server's process stopped answering the checker too: a handler is stuck in work that never gives the event loop back (an endless loop, or a long synchronous computation).`,
        );
      }
    }
    throw error;
  }
}

const BUSY_PROBE_MS = 2_000;
const DYING_GRACE_MS = 8_000;
const NEAR_LIMIT_GRACE_MS = 60_000;

/** Whether a process that does not answer holds most of what its heap may grow to (three quarters of its limit). */
async function nearHeapLimit(server: ServerProcess): Promise<boolean> {
  const resident = await server.residentMb();
  return resident !== null && resident >= 0.75 * server.maxOldSpaceMb;
}

/** Often enough to see a transfer's peak; the sampler's readings cost microseconds. */
const SAMPLE_INTERVAL_MS = 5;
/** A crash is told with what the check's clients did this long before it was known. */
const CRASH_TRAIL_MS = 2_000;

/**
 * Measuring a server that fails its requests means nothing: say so, with the
 * error the server logged where there is one.
 */
function refuseServerErrors(server: ServerProcess, http: HttpClient): void {
  const [first, ...more] = http.serverErrors;
  if (!first) return;
  const logged = loggedError(server.recentOutput);
  throw new CouldNotCheck(
    'server errors',
    [
      `${first.request} was answered ${first.status}${more.length ? `, and so were ${more.length} more request(s)` : ''}: the server fails while handling requests.`,
      logged ? `It logged: ${logged}.` : 'It logged no error: if your code answers 500 itself, log the error there (console.error) and check again.',
      ...(/TypeError|ReferenceError/.test(logged ?? '') ? ['The check runs TypeScript without checking its types: `npm run typecheck` finds mistakes such as a misspelt name before you run.'] : []),
    ].join(' '),
  );
}

/** The first error a server printed, with where it was thrown in a project file when the stack says so. */
function loggedError(output: string): string | null {
  const lines = output.split('\n');
  // "Error: …", "TypeError: …", and Node's own with their code ("Error [ERR_STREAM_DESTROYED]: …"), at the start of a line or after a prefix ("PUT /x failed: ").
  const isError = (line: string): boolean => /\b\w*Error(?: \[\w+\])?: /.test(line);
  const at = lines.findIndex(isError);
  if (at < 0) return null;
  const message = lines[at]!.trim().replace(/^.*?\b(\w*Error)/, '$1');
  // Its own stack only: the next error logged after it has a stack of its own.
  const next = lines.slice(at + 1).findIndex(isError);
  const stack = lines.slice(at + 1, next < 0 ? at + 12 : Math.min(at + 12, at + 1 + next));
  // The first frame of the server's own code: not Node's, a library's, or the checker's wrappers in its process (an fs call the harness watches).
  const location =
    stack
      .filter((line) => /^\s+at /.test(line) && !line.includes('node_modules') && !line.includes('node:') && /\.[cm]?[tj]s:\d+:\d+/.test(line))
      .map((line) => parseStackFrame(line))
      .find((frame) => frame !== null && !isHarnessFile(projectFile(frame.file))) ?? null;
  const where = location ? ` (at ${path.relative(process.cwd(), location.file)}:${location.line}:${location.column})` : '';
  return `${message}${where}`;
}

interface Timeline {
  stop(): Promise<TimelinePoint[]>;
}

const TIMELINE_INTERVAL_MS = 50;

/**
 * Probe the server's memory again and again until stopped. One probe at a
 * time: while the server is busy (writing a snapshot), the next waits.
 */
function recordTimeline(server: ServerProcess, clock: Clock): Timeline {
  const points: TimelinePoint[] = [];
  const zero = performance.now();
  let stopped = false;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (!stopped) {
      const phase = clock.current?.phase;
      const probe = await server.probe().catch(() => null);
      if (!probe) break;
      if (phase) {
        const { heapUsed, external, arrayBuffers, rss } = probe.memory;
        points.push({ ms: performance.now() - zero, phase, heapUsed, external, arrayBuffers, rss });
      }
      // The interval between readings; stop() cuts it short.
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, TIMELINE_INTERVAL_MS);
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      return points;
    },
  };
}

/** Wait until every connection has closed and garbage is collected; explain a response that never ends. */
export async function settle(server: ServerProcess): Promise<void> {
  try {
    await server.command({ type: 'settle' }, TIMEOUTS.settleMs);
  } catch (error) {
    if (error instanceof CouldNotCheck && error.reason === 'not responding') {
      const probe = await server.probe().catch(() => null);
      if (probe && probe.openConnections > 0) {
        throw new CouldNotCheck(
          'connections left open',
          `${probe.openConnections} connection(s) were still open ${TIMEOUTS.settleMs / 1000} s after the requests ended: some response is never finished (res.end, res.send) or destroyed.`,
        );
      }
    }
    throw error;
  }
}

async function snapshot(server: ServerProcess, file: string, letGoOfClosed = false): Promise<void> {
  await server.command({ type: 'snapshot', file, letGoOfClosed }, TIMEOUTS.snapshotMs);
}

/** Have V8 number the server's live objects; the highest number marks where the traffic begins. Written to `file` when kept. */
export function numberHeap(server: ServerProcess, file: string, keep: boolean): Promise<number> {
  return server.command<number>({ type: 'number-heap', file, keep }, TIMEOUTS.snapshotMs);
}

/**
 * A server may let go of a resource a moment after its last connection ends
 * (a stream destroyed once it has opened, a clean-up on a timer). Probe again
 * until every resource measure is back to its baseline, or the deadline
 * (RELEASE_WAIT_MS after the traffic settled) passes: what is open then,
 * stays open. The snapshot after the traffic is written meanwhile, and written
 * again if the server lets go after it.
 */
async function probeSettledResources(server: ServerProcess, before: Probe, measures: readonly ResourceMeasure[], deadline: number): Promise<Probe> {
  let after = await server.probe();
  while (measures.length > 0 && !resourcesSettled(measures, before, after) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    after = await server.probe();
  }
  return after;
}


/** A checkpoint's label as part of a file name. */
function numberedFileName(label: string): string {
  return label.replace(/[^A-Za-z0-9-]+/g, '-');
}

/** A reading of `context.checkpoint(label)`. */
export interface Checkpoint {
  readonly label?: string;
  readonly probe: Probe;
}

function probeResult(measure: ProbeMeasure, before: Probe, after: Probe, checkpoints: readonly Checkpoint[]): MeasureResult {
  // What the server let go of (less than before) is no growth: nothing was kept. Read at the checkpoints too, the
  // largest growth counts.
  const readings: Checkpoint[] = measure.atCheckpoints ? [...checkpoints, { label: 'the whole traffic', probe: after }] : [{ probe: after }];
  const growths = readings.map((reading) => measure.read(reading.probe) - measure.read(before) - (measure.allowance ?? 0));
  const highest = growths.indexOf(Math.max(...growths));
  const value = Math.max(0, growths[highest]!);
  const passed = value <= measure.bar;
  const readAfter = readings[highest]?.label;
  return {
    name: measure.name,
    unit: measure.unit,
    value,
    bar: measure.bar,
    passed,
    ...(!passed && readAfter ? { readAfter } : {}),
    ...(!passed && measure.advice ? { advice: measure.advice } : {}),
  };
}

function peakResult(measure: PeakMeasure, peaks: SampledPeaks, http: HttpClient): MeasureResult {
  const before = peaks.before[measure.figure];
  const peak = peaks.peak[measure.figure];
  const value = peak - before;
  // Which requests made the peak: those in flight at the reading that found it.
  const peakAt = peaks.peakAt[measure.figure];
  const during = value > measure.bar && peakAt !== undefined ? http.inFlightAt(peakAt) : [];
  return {
    name: measure.name,
    unit: measure.unit,
    value,
    bar: measure.bar,
    passed: value <= measure.bar,
    sampled: {
      figure: measure.figure,
      before,
      peak,
      samples: peaks.samples,
      steadyReadings: peaks.steadyReadings,
      bufferedBytes: peaks.peak.bufferedBytes,
      ...(measure.compareTo ? { compareTo: measure.compareTo } : {}),
      ...(during.length ? { during } : {}),
    },
  };
}
