/**
 * When a server has done all it can without its slow party (a client that
 * reads nothing yet, a disk that holds its writes): the moment its memory is
 * judged, so that the verdict never depends on how fast the machine is. A
 * server that respects backpressure is waiting with a few chunks in hand; one
 * that ignores it has read or generated everything it could, into memory.
 *
 * Steady means, judged from the server's state and never from time: every
 * request in flight has been read to its end or is not being read (paused,
 * its buffer full); every response in flight is ended, waiting for 'drain',
 * or not started; the server has no work of its own pending (a ref'd timer,
 * an immediate, a file system request: the harness's own are unref'd); and
 * none of that, nor the bytes in flight, changes over several turns of the
 * event loop. A server that never gets there (a timer that never stops, work
 * that never ends) is taken as it is after a bound, and the bound is counted
 * in what the server did, not in time that passed: 3 s of waiting with
 * nothing to do (the event loop idle), or 3 s of the process's CPU time. A
 * busy machine that gives the server less of its CPU stretches the wait; it
 * does not cut the server's work short. Past that bound, a server that
 * still queues bytes toward clients that read nothing (a timer that writes
 * on whether or not 'drain' came) is waited for while it keeps doing so, until
 * it has queued QUEUED_GOAL_BYTES more than when the wait began: what it
 * would queue in the end, given a client slow enough, then shows in its
 * memory by a wide margin, however long its timer.
 */
import type http from 'node:http';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import zlib from 'node:zlib';

/** Turns of the event loop the state must hold unchanged: enough for I/O already in the kernel's hands to arrive. */
const STEADY_TURNS = 8;

/** The bound, in the event loop's idle time and in the process's CPU time: a server that is not steady by then never will be. */
const STEADY_BOUND_MS = 3_000;

/** Past this, on a machine so busy that the server hardly runs, the state is taken as it is all the same. */
export const STEADY_WALL_CAP_MS = 25_000;

/** Past the bound, a server still queuing toward clients that read nothing is waited for until it queued this much (beyond a few pages of any export). */
const QUEUED_GOAL_BYTES = 4 * 1024 * 1024;
/** Still queuing: at least this many more bytes queued within each QUEUING_GAP_MS of the event loop's idle time (a heartbeat's few bytes are not). */
const QUEUING_BYTES = 16 * 1024;
const QUEUING_GAP_MS = 1_500;

export interface SteadyState {
  /** Responses in flight, each with its request (`response.req`). */
  readonly responses: () => Iterable<http.ServerResponse>;
  /** Bytes the slow party holds back (writes waiting for the disk): progress the server makes shows here too. */
  readonly bytesHeld: () => number;
  /** Bytes written toward clients and not yet taken by them: a server that keeps adding to them is waited for past the bound. */
  readonly bytesQueued?: () => number;
}

/**
 * Compressors and decompressors with a chunk in hand, and how many: work the server still has to do, which
 * process.getActiveResourcesInfo() does not list (a server that compresses a whole file for a client that has gone
 * is busy for seconds, its BrotliCompress alive; steady only once that is done, however fast the machine). Held
 * weakly, with Node's own WeakRef (a check's is kept): a stream the server dropped is the collector's to take.
 */
const RealWeakRef = globalThis.WeakRef;
const chunksInHand = new WeakMap<zlib.Gzip, number>();
/** The streams that took a chunk when they had none; compressing() forgets those with none in hand again. */
const withChunks = new Set<WeakRef<zlib.Gzip>>();

/** Counts every zlib stream's chunks from the call to its callback (which zlib makes on a destroy too). */
export function countCompressionWork(): void {
  const base = Object.getPrototypeOf(Object.getPrototypeOf(zlib.Gzip.prototype)) as { _transform: (this: zlib.Gzip, chunk: unknown, encoding: unknown, callback: (...args: unknown[]) => void) => void };
  const real = base._transform;
  base._transform = function transform(this: zlib.Gzip, chunk, encoding, callback) {
    const inHand = chunksInHand.get(this) ?? 0;
    chunksInHand.set(this, inHand + 1);
    if (inHand === 0) withChunks.add(new RealWeakRef(this));
    let done = false;
    return real.call(this, chunk, encoding, (...args: unknown[]) => {
      if (!done) chunksInHand.set(this, (chunksInHand.get(this) ?? 1) - 1);
      done = true;
      callback(...args);
    });
  };
}

/**
 * A compressor is working while it has a chunk in hand and room for its output. With its output buffer full it
 * waits, mid-chunk, for its reader (zlib's own backpressure), as a paused response does: no work of its own.
 */
function compressing(): boolean {
  for (const ref of withChunks) {
    const stream = ref.deref();
    if (!stream || stream.destroyed || !chunksInHand.get(stream)) withChunks.delete(ref);
    else if (stream.readableLength < stream.readableHighWaterMark) return true;
  }
  return false;
}

function ownWorkPending(): boolean {
  if (compressing()) return true;
  return process.getActiveResourcesInfo().some((kind) => kind === 'Timeout' || kind === 'Immediate' || kind.startsWith('FSReq') || kind === 'FileHandleCloseReq');
}

function requestWaits(request: http.IncomingMessage): boolean {
  if (request.complete || request.destroyed) return true;
  // Not flowing with a full buffer: the server reads no more of it until its handler asks.
  return request.readableFlowing !== true && request.readableLength >= request.readableHighWaterMark;
}

function responseWaits(response: http.ServerResponse): boolean {
  return response.writableEnded || response.writableNeedDrain || !response.headersSent || response.destroyed;
}

function fingerprint(state: SteadyState): string {
  const figures: number[] = [state.bytesHeld()];
  for (const response of state.responses()) {
    const socket = response.socket;
    figures.push(response.writableLength, response.req.readableLength, socket?.bytesRead ?? -1, socket?.writableLength ?? -1);
  }
  return figures.join(',');
}

function candidate(state: SteadyState): boolean {
  if (ownWorkPending()) return false;
  for (const response of state.responses()) if (!requestWaits(response.req) || !responseWaits(response)) return false;
  return true;
}

/**
 * One turn of the event loop, I/O included. Unref'd, like everything the harness schedules: its own waiting
 * is no work of the server's. A timer, not an immediate: an unref'd immediate lets the loop block in its poll
 * phase until something else wakes it.
 */
const nextTurn = (): Promise<void> => new Promise((resolve) => void setTimeout(resolve, 1).unref());

/** What the server has done since a moment, to weigh the bound against. */
function boundReached(since: { cpu: NodeJS.CpuUsage; loop: EventLoopUtilization; wall: number }): boolean {
  const cpu = process.cpuUsage(since.cpu);
  return (
    (cpu.user + cpu.system) / 1000 >= STEADY_BOUND_MS ||
    performance.eventLoopUtilization(since.loop).idle >= STEADY_BOUND_MS ||
    performance.now() - since.wall >= STEADY_WALL_CAP_MS
  );
}

/** Resolves true once the server is steady, or false at the bound (later for a server still queuing toward its clients). */
export async function untilSteady(state: SteadyState): Promise<boolean> {
  const since = { cpu: process.cpuUsage(), loop: performance.eventLoopUtilization(), wall: performance.now() };
  const queued = state.bytesQueued ?? ((): number => 0);
  const queuedAtStart = queued();
  let lastQueuing = { bytes: queuedAtStart, loop: since.loop };
  const stillQueuing = (): boolean => {
    const bytes = queued();
    if (bytes >= lastQueuing.bytes + QUEUING_BYTES) lastQueuing = { bytes, loop: performance.eventLoopUtilization() };
    return (
      bytes - queuedAtStart < QUEUED_GOAL_BYTES &&
      performance.eventLoopUtilization(lastQueuing.loop).idle < QUEUING_GAP_MS &&
      performance.now() - since.wall < STEADY_WALL_CAP_MS
    );
  };
  let previous = '';
  let unchanged = 0;
  while (stillQueuing() || !boundReached(since)) {
    if (!candidate(state)) {
      unchanged = 0;
      previous = '';
      await nextTurn();
      continue;
    }
    const now = fingerprint(state);
    unchanged = now === previous ? unchanged + 1 : 0;
    previous = now;
    if (unchanged >= STEADY_TURNS) return true;
    await nextTurn();
  }
  return false;
}
