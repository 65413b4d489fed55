/**
 * The messages the checker and the harness (in the server's process) exchange
 * over the IPC channel. Both sides import these types; nothing else is shared.
 */

/** Why the harness could not bring the learner's server up. */
export type StartProblem =
  | { kind: 'import-failed'; message: string; location?: string }
  | { kind: 'no-export'; exported: string[] }
  | { kind: 'self-listen'; port: string };

export type HarnessEvent =
  /** Started with FG_HARNESS_STANDBY=1: everything but the server is loaded, and the harness waits for the message 'load'. */
  | { type: 'standing-by' }
  | { type: 'ready'; port: number }
  | { type: 'start-problem'; problem: StartProblem }
  | { type: 'crash'; reason: 'uncaughtException' | 'unhandledRejection'; message: string; location?: string; stack?: string }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; message: string };

export type HarnessCommand =
  /** With `letGoOfClosed`, once the resources are read: a kept WeakRef to what has closed is left weak first (see KeptWeakRefs). */
  | { type: 'snapshot'; file: string; letGoOfClosed?: boolean }
  /** Number the live objects (a snapshot, written to `file` if given); the reply is the highest heap object id. */
  | { type: 'number-heap'; file: string; keep: boolean }
  | { type: 'gc' }
  | { type: 'probe' }
  | { type: 'settle' }
  | { type: 'emit-file-changed'; name: string }
  | { type: 'start-sampling'; intervalMs: number }
  | { type: 'stop-sampling' }
  | { type: 'until-steady' }
  | { type: 'slow-disk'; stallEveryBytes: number }
  | { type: 'fast-disk' }
  | { type: 'reads-after-hang-up-last' }
  /**
   * Keep back the results of file-system calls on stored files and uploads (open, stat, readFile, mkdir, and the
   * open of a stream that reads one) until released, after letting the first `skip` of them through.
   */
  | { type: 'hold-file-system'; skip?: number; untilHandlerWaits?: boolean }
  /** The same hold, kept for the first read a stream makes of a stored file or upload (after its open, its handler's listeners in place). */
  | { type: 'hold-stream-reads' }
  /** Answer reads of a stored file only up to `afterBytes` (whole reads of a larger one not at all) until a response sends body bytes. */
  | { type: 'first-bytes-hold'; afterBytes: number }
  /** Resolves with the call the server waited on with nothing sent once it was steady, or null once it sent first; then the disk answers all. */
  | { type: 'until-first-bytes' }
  /** Resolves with the first call held ("stat video-1.mp4"), or null once the held request is answered without one. */
  | { type: 'file-system-held' }
  /** Resolves once `count` requests have come while the hold is on and each handler has gone as far as it can without the disk. */
  | { type: 'requests-held'; count: number }
  /**
   * Wait until the server has seen every held request's client go, then hand the kept results back; `together`: hand
   * them back at once, the clients still there (misses that overlap).
   */
  | { type: 'release-file-system'; together?: boolean };

export interface ResourceCounts {
  /** `process.getActiveResourcesInfo()`, counted by kind (Timeout, TCPSocketWrap, FSReqCallback…). */
  readonly active: Record<string, number>;
  /** Open file descriptors, where the platform lets a process count its own. */
  readonly fileDescriptors: number | null;
}

/** One thing the server holds (a descriptor, a timer, a listener), as the harness's recorders saw it made. */
export interface HeldResource {
  /** The same for the same thing in every probe of one process, so that a probe after the traffic can tell what is new. */
  readonly key: string;
  /** What it is: "video-1.mp4", "interval, every 250 ms, unref'd", "listener on fileEvents 'changed'". */
  readonly what: string;
  /** The first line of the learner's code that led to it: "scenarios/07-aborted-downloads/server.ts:18:16"; null when none did. */
  readonly location: string | null;
  /**
   * Let go of, but too late to count (the check's strict releases): by a timer of a second or more, or by the handler
   * of a later request (a cache's eviction, a sweep when the next request comes). Absent for what is still held.
   */
  readonly late?: 'timer' | 'later request';
}

/** A file the server made (there was none when it opened it for writing), still on the disk: `file` is its absolute path. */
export interface CreatedFile extends HeldResource {
  readonly file: string;
  readonly bytes: number;
}

/** What the server holds, recorded with where each was made. */
export interface HeldResources {
  /** Open file descriptors, on every platform (cross-checked with /proc/self/fd or /dev/fd where they exist). */
  readonly descriptors: readonly HeldResource[];
  /** Live Timeouts the learner's code created, unref'd ones included. */
  readonly timers: readonly HeldResource[];
  /** Listeners on the shared emitters the file store exports. */
  readonly listeners: readonly HeldResource[];
  /**
   * FinalizationRegistry clean-ups that would have run and were withheld (a
   * check's server runs none), each with the line that registered it; empty
   * where they run (the probe's services).
   */
  readonly finalizers: readonly HeldResource[];
  /**
   * WeakRefs a check keeps full (to a response, a stream, a FileHandle, a
   * Timeout: see KeptWeakRefs), still alive, each with the line that made
   * it; empty where they are weak (the probe's services).
   */
  readonly weakRefs: readonly HeldResource[];
}

/** How a listener the server's code added to a client connection is named in the probe and in the verdict. */
export const CONNECTION_LISTENER = 'listener on a client connection';

/** How an EventEmitter the learner's code made is named in the probe and in the verdict: "your EventEmitter (thumbnails.ts:14)". */
export const OWN_EMITTER = 'your EventEmitter';

/**
 * How long after the traffic settled a check waits for a server to let go of
 * its resources. A release made by a timer of this delay or longer (a sweep,
 * a grace period) is not counted as one: see LateReleases.
 */
export const RELEASE_WAIT_MS = 1_000;

/** What the harness reports about the running server. */
export interface Probe {
  readonly memory: NodeJS.MemoryUsage;
  /**
   * Bytes of the JS heap in objects too large for V8's pages (above 128 KiB: V8's large-object spaces, code aside):
   * a file read as a string under 1 MiB lives there, where `external` does not see it. Absent where the kit cannot
   * read it (an attached service).
   */
  readonly largeObjects?: number;
  readonly resources: ResourceCounts;
  /** Connections the server still works on: an idle one that a keep-alive client holds open does not count. */
  readonly openConnections: number;
  readonly held: HeldResources;
  /** Files the server made and left on the disk, anywhere (the harness's record; absent where there is none, an attached service). */
  readonly createdFiles?: readonly CreatedFile[];
  /** Folders the server made (mkdtemp, mkdir) and left, with the number of entries in each as `bytes` (the harness's record, as createdFiles). */
  readonly createdFolders?: readonly CreatedFile[];
  /** Files (absolute paths) created after a removal of the same path had been asked, and not removed since: a removal that came too early. */
  readonly madeAfterRemoval?: readonly string[];
  /** Write streams the server made (fs.createWriteStream) still alive after a garbage collection (the harness's record, as createdFiles). */
  readonly writeStreams?: readonly HeldResource[];
  readonly storage: {
    readonly diskReads: number;
    readonly bytesRead: number;
    readonly uploadsWritten: number;
  };
}

/**
 * Figures the harness samples while the traffic runs: the fields of
 * `process.memoryUsage()`, the process's memory as a whole (`heapUsed` +
 * `external`, which counts `arrayBuffers`), and the bytes the server has
 * written that its clients have not taken yet (`writableLength` of its open
 * sockets and responses).
 */
export type SampledFigure = 'heapUsed' | 'external' | 'arrayBuffers' | 'heapAndExternal' | 'rss' | 'bufferedBytes';

export type SampledValues = Record<SampledFigure, number>;

/** What the sampler saw between start-sampling and stop-sampling. */
export interface SampledPeaks {
  /** Each figure just before the traffic (after a garbage collection). */
  readonly before: SampledValues;
  /** The highest value of each figure while the traffic ran. */
  readonly peak: SampledValues;
  readonly samples: number;
  /** Of those, readings taken when the server was steady: it had done all it could while its slow client or disk made it wait. */
  readonly steadyReadings: number;
  readonly durationMs: number;
  /** When each figure reached its peak (ms since the epoch, to the fraction: performance.timeOrigin + now), for those that rose. */
  readonly peakAt: Partial<Record<SampledFigure, number>>;
}
