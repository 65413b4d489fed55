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
  | { type: 'ready'; port: number }
  | { type: 'start-problem'; problem: StartProblem }
  | { type: 'crash'; reason: 'uncaughtException' | 'unhandledRejection'; message: string; location?: string; stack?: string }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; message: string };

export type HarnessCommand =
  | { type: 'snapshot'; file: string }
  | { type: 'gc' }
  | { type: 'probe' }
  | { type: 'settle' }
  | { type: 'emit-file-changed'; name: string }
  | { type: 'start-sampling'; intervalMs: number }
  | { type: 'stop-sampling' }
  /** Keep back the results of file-system calls on stored files and uploads (open, stat, readFile) until released. */
  | { type: 'hold-file-system' }
  /** Resolves with the first call held ("stat video-1.mp4"), or null once the held request is answered without one. */
  | { type: 'file-system-held' }
  /** Wait until the server has seen every held request's client go, then hand the kept results back. */
  | { type: 'release-file-system' };

export interface ResourceCounts {
  /** `process.getActiveResourcesInfo()`, counted by kind (Timeout, TCPSocketWrap, FSReqCallback…). */
  readonly active: Record<string, number>;
  /** Open file descriptors, where the platform lets a process count its own. */
  readonly fileDescriptors: number | null;
}

/** What the harness reports about the running server. */
export interface Probe {
  readonly memory: NodeJS.MemoryUsage;
  readonly resources: ResourceCounts;
  readonly openConnections: number;
  /** Listener counts on the service's shared emitters, by `emitter:event`. */
  readonly listeners: Record<string, number>;
  readonly storage: {
    readonly diskReads: number;
    readonly bytesRead: number;
    readonly uploadsWritten: number;
    /** Read streams openStoredFile returned that have not emitted 'close' yet. */
    readonly openReadStreams?: number;
  };
}

/**
 * Figures the harness samples while the traffic runs: the fields of
 * `process.memoryUsage()`, and the bytes the server has written that its
 * clients have not taken yet (`writableLength` of its open sockets and
 * responses).
 */
export type SampledFigure = 'heapUsed' | 'external' | 'arrayBuffers' | 'rss' | 'bufferedBytes';

export type SampledValues = Record<SampledFigure, number>;

/** What the sampler saw between start-sampling and stop-sampling. */
export interface SampledPeaks {
  /** Each figure just before the traffic (after a garbage collection). */
  readonly before: SampledValues;
  /** The highest value of each figure while the traffic ran. */
  readonly peak: SampledValues;
  readonly samples: number;
  readonly durationMs: number;
}
