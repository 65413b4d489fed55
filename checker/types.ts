/**
 * The checker's vocabulary. A scenario describes its check as a CheckSpec; the
 * engine runs it and returns a Verdict. Data flows one way: spec in, verdict out.
 */
import type { IHeapNode } from '@memlab/core';
import type { CouldNotCheckReason } from './errors.ts';
import type { HeldResource, Probe, SampledFigure } from './protocol.ts';
import type { HttpClient, Response as HttpResponse } from './traffic.ts';

/** Which retained heap objects are the scenario's, and how to count them. */
export interface HeapSelector {
  /** Plural noun phrase the learner reads: "Buffers of 64 KiB or more". */
  readonly describe: string;
  /** With `traffic`, the selector may tell what the traffic made from what was there before it (a scope made at load). */
  readonly matches: (node: IHeapNode, traffic?: TrafficHeap) => boolean;
}

/** The heap after the traffic, as a selector may ask about it. */
export interface TrafficHeap {
  /** Born during the traffic (numbered after the baseline snapshot), not when the modules loaded or warmed up. */
  readonly bornDuringTraffic: (node: IHeapNode) => boolean;
}

/** A measure whose figure comes from the heap diff: objects allocated during the traffic and still retained. */
export interface HeapMeasure {
  readonly kind: 'heap';
  /** Short name in the verdict table: "cached file bytes". */
  readonly name: string;
  readonly select: HeapSelector;
  /** Judge by the retained bytes of the selected objects, or by their number. */
  readonly unit: 'bytes' | 'objects';
  /** The largest figure a fixed server may show. */
  readonly bar: number;
  /** Steps the retainer path must pass through for the trace to be this leak's (used by the tests). */
  readonly retainer: string;
  /** Why the leaky server passes this measure (see ResourceMeasure.guards); `retainer` is then the known half fix's. */
  readonly guards?: string;
  /**
   * In a check that counts leaks: this measure catches the leak of the measure
   * before it, in another form (the functions a listener count cannot see when
   * they are kept elsewhere). The leak is fixed when both pass.
   */
  readonly sameLeak?: boolean;
}

/** A measure read from the running process before and after the traffic (timers, listeners, descriptors). */
export interface ProbeMeasure {
  readonly kind: 'probe';
  readonly name: string;
  readonly read: (probe: Probe) => number;
  readonly unit: 'objects' | 'bytes';
  /** The largest growth (after minus baseline, less the allowance) a fixed server may show. */
  readonly bar: number;
  /**
   * What a fixed server keeps by design over the traffic, subtracted from the growth before it is shown: a cache's
   * budget (8 MiB), when the baseline is read with the cache empty. "yours" is then what it keeps beyond that.
   */
  readonly allowance?: number;
  /**
   * Read at each of the traffic's checkpoints too (`context.checkpoint()`, after a collection), and judged by the
   * largest growth of all: what a server keeps after one part of the traffic counts, even if a later part evicts it.
   * A failure names the checkpoint (its label: "after the album") where it was read highest.
   */
  readonly atCheckpoints?: boolean;
  /** What to look for when it fails: a probe reads the whole process, and cannot point at a variable. */
  readonly advice?: string;
}

/**
 * A measure sampled in the server's process while the traffic runs: the peak
 * of a figure minus its value just before the traffic. For what the heap
 * diff cannot see, because it is gone by the time the traffic ends: a
 * response's write buffer, a whole upload held in memory on its way to disk.
 */
export interface PeakMeasure {
  readonly kind: 'peak';
  /** "peak memory above the baseline while a slow client downloaded the export (23.4 MiB)". */
  readonly name: string;
  readonly figure: SampledFigure;
  readonly unit: 'bytes';
  /** The largest rise above the pre-traffic value a fixed server may show. */
  readonly bar: number;
  /** What the figure is best read against, shown in the verdict: "the whole export", 31 MiB. */
  readonly compareTo?: { readonly describe: string; readonly bytes: number };
}

/**
 * One way of reading a figure from the running process. `read` answers null
 * where this platform (or this server) cannot give the figure.
 */
export interface Instrument {
  /** What it counts, as the verdict names it: "open file descriptors". */
  readonly name: string;
  readonly read: (probe: Probe) => number | null;
  /** Why `read` may answer null, for the verdict: "Windows does not let a process count its own descriptors". */
  readonly unavailable?: string;
  /**
   * What the figure counts, one by one, with where each was made (instruments
   * fed by the harness's recorders). The measure's figure is then what the
   * probe after the traffic holds that the one before did not, and the
   * verdict lists it by place.
   */
  readonly held?: (probe: Probe) => readonly HeldResource[];
  /** How a held thing came to be, for the verdict: "opened", "created", "added". */
  readonly verb?: string;
}

/** Things a measure found held after the traffic, alike in what they are and in the line that made them. */
export interface Place {
  readonly count: number;
  /** "video-1.mp4", "interval, every 250 ms, unref'd", "listener on fileEvents 'changed'". */
  readonly what: string;
  /** "opened", "created", "added". */
  readonly verb: string;
  /** "scenarios/07-aborted-downloads/server.ts:18:16"; null when no line of the learner's code led to them. */
  readonly location: string | null;
}

/**
 * A measure of what the process holds outside the JavaScript heap (file
 * descriptors, streams, handles), read before and after the traffic with the
 * first of its instruments this platform has. The verdict names the instrument
 * it used and those it could not use; if none could read it, the measure fails.
 */
export interface ResourceMeasure {
  readonly kind: 'resources';
  readonly name: string;
  /** In order of preference. */
  readonly instruments: readonly Instrument[];
  readonly unit: 'objects' | 'bytes';
  /** The largest growth (after minus baseline) a fixed server may show. */
  readonly bar: number;
  /**
   * Why the scenario's leaky server passes this measure: it guards against a
   * leak a fix can bring in ("a listener per request on a kept-alive
   * connection"), not the one the scenario is about.
   */
  readonly guards?: string;
  /**
   * What the verdict adds when the measure fails: why what it counts must not
   * stay, in the service's terms, and what does the job instead (12's
   * listeners: one per file with a thumbnail is too many as well).
   */
  readonly advice?: string;
}

/**
 * What the server's state gains over one part of the traffic, sent once it is warm: the objects born after the
 * checkpoint `from` (`context.checkpoint(from)`, where the heap is numbered) and still alive after the traffic, grouped
 * by the older object they hang from (a Map, a Set, an array, an object used as a dictionary, a module's variable),
 * and how much more each such holder retains after the traffic than it did at the checkpoint. A log that keeps its
 * last lines, or a cache at its budget, takes new objects in and lets as many go: it holds what it held. A holder
 * that keeps a little of every request holds more, however little each is. Judged by the holder that grew most.
 */
export interface GrowthMeasure {
  readonly kind: 'growth';
  /** "memory your server's state gained over 240 more requests, once the trace log was full". */
  readonly name: string;
  /** The label of the checkpoint the growth is read from (the traffic's end of that part). */
  readonly from: string;
  readonly unit: 'bytes';
  /** The largest growth of one holder a fixed server may show. */
  readonly bar: number;
  /** Steps the retainer path must pass through for the trace to be this leak's (used by the tests). */
  readonly retainer: string;
  /** Why the leaky server passes this measure (see ResourceMeasure.guards). */
  readonly guards?: string;
  /** What to look for, when it failed. */
  readonly advice?: string;
}

export type Measure = HeapMeasure | GrowthMeasure | ProbeMeasure | PeakMeasure | ResourceMeasure;

/** What a scenario's traffic and contract get to work with. */
export interface CheckContext {
  readonly http: HttpClient;
  /**
   * Inspect the server's process (memory, handles, listeners, storage counters); `collected`: after a
   * garbage collection, so that memory is what the server holds, not what it let go of and V8 has not freed yet.
   */
  probe(options?: { readonly collected?: boolean }): Promise<Probe>;
  /** Emit the file store's `changed` event for a file, as if it had been replaced. */
  emitFileChanged(name: string): Promise<void>;
  /**
   * The traffic's end of one part (a whole album downloaded, say): once the server has done what the traffic started (a read for a
   * client that hung up), its memory is read, after a collection, for the measures read `atCheckpoints`; under its `label`,
   * the heap is numbered there for a growth measure that reads from it.
   */
  checkpoint(label?: string): Promise<void>;
  /** Add `text` at the end of one of the check's `growingFiles`, as the process that writes it in production would. */
  appendToStoredFile(name: string, text: string): Promise<void>;
  /**
   * Wait until the server has done all it can without its clients (each request read or paused, each
   * response ended or waiting for 'drain', no work of its own pending), and read its memory then, after
   * a collection: the moment a peak measure must see. False when it never got there within the bound.
   */
  untilSteady(): Promise<boolean>;
  /**
   * Run `work` with a disk that stalls: writes to any file (the uploads folder, the server's temporary folder, a spool
   * folder of its own) wait until the server is steady,
   * then go through, and the disk stalls again after every `stallEveryBytes` more.
   */
  withSlowDisk(stallEveryBytes: number, work: () => Promise<void>): Promise<void>;
  /**
   * GET `path` and hang up while the handler awaits the file store (a stat, an
   * open or a read of a stored file or upload), before the answer's first
   * byte, as a client that gives up on a slow disk would. The server holds
   * that call until it has seen the hang-up, so the handler resumes with its
   * client gone on every machine. A handler that answers without touching a
   * stored file is hung up on once its answer starts. Resolves with the call
   * held ("stat video-1.mp4"), or null when the handler answered without one.
   */
  hangUpWhileReadingFile(path: string, headers?: Record<string, string>): Promise<string | null>;
  /**
   * GET `path` from `clients` clients at once, as a page opened in several tabs does: the server's file store is held
   * until every one of them has come and each handler has gone as far as it can without the disk, then answers them
   * all, so their misses overlap on every machine. Each client's response, or why it got none (within `timeoutMs`).
   */
  missTogether(path: string, clients: number, timeoutMs?: number): Promise<PromiseSettledResult<HttpResponse>[]>;
  /**
   * GET `path` and hang up at each of the handler's awaits on the file store
   * in turn: one client per entry of `clients` (its headers) during the first
   * call, as many during the second, and so on, until the handler answers
   * without one. A fix that sets up its clean-up after its first await is
   * caught at the second.
   *
   * With `upload: { method: 'PUT' }`, each client sends that request's headers
   * (its content-length among them) and hangs up before the first byte of its
   * body, as a phone that loses its signal right away: at each await of the
   * handler on the file store before it reads the body, until the handler
   * waits for the body without one.
   *
   * `path` may be a function of the attempt (0, 1, …): an upload dropped
   * under a name of its own leaves what it leaves under that name, which no
   * later attempt under the same name clears away before the check looks.
   * There are at most maxHangUpAttempts(clients.length) attempts (traffic.ts).
   */
  hangUpAtEachAwait(path: string | ((attempt: number) => string), clients: readonly (Record<string, string> | undefined)[], upload?: { readonly method: 'PUT' | 'POST' }): Promise<void>;
  /**
   * From now on, a read of a stored file asked for after the client of the
   * download that opened it has gone is answered last: after the check has
   * measured, as a busy disk would. A server that stops reading when its
   * client hangs up asks for none; one that reads on for nobody (to let the
   * stream reach its end and close itself) keeps the file open, on a fast
   * disk as on a slow one, and the descriptor is named with why.
   */
  readsAfterHangUpLast(): Promise<void>;
  /**
   * GET `path` and hang up while the handler streams a stored file, its first
   * read kept back until the server has seen the hang-up: a client that gives
   * up on a long search. A handler that reads no file as a stream is hung up
   * on once its answer starts.
   */
  hangUpWhileStreamingFile(path: string, headers?: Record<string, string>): Promise<string | null>;
  /**
   * GET `path` as a client that stops reading after the first bytes: the
   * Buffers the server holds then, over what it held before (both read after
   * a collection), once it has done all it can without the client (never
   * after a guessed wait). The client then hangs up, and the server settles
   * (reading the rest would only time the compressor). A server that
   * streams with backpressure holds a chunk or two; one that reads the file
   * whole, or ignores write()'s answer, holds most of it.
   */
  heldWhilePaused(path: string, headers?: Record<string, string>): Promise<number>;
  /**
   * Run `download` (a request for a stored file) with a disk that answers
   * reads of a stored file only up to its first `afterBytes` (and whole reads
   * of a larger one not at all) until a response has sent body bytes. A
   * server that streams sends its first bytes having read a few chunks:
   * `waitedOn` null. One that needs the whole file before it answers (to
   * compress it in one go) waits on the disk with nothing sent; once it has
   * done all it can, `waitedOn` says which call it waited on ("readFile
   * access-log.csv at scenarios/11-gzip-downloads/server.ts:31:30"), and the
   * disk answers everything, so `result` is the download's as ever.
   */
  readsWaitForFirstBytes<T>(afterBytes: number, download: () => Promise<T>): Promise<{ readonly waitedOn: string | null; readonly result: T }>;
  /** Wait until every connection to the server has closed, then collect garbage. */
  settle(): Promise<void>;
  /** Record that the server broke its functional contract; the check fails with this sentence. */
  breach(sentence: string): void;
  /** A folder for this check's uploads; the server stores them here. */
  readonly uploadsDir: string;
  /** The server's own temporary folder (its os.tmpdir()), when the check gave it one: what it leaves there stays there. */
  readonly tempDir?: string;
}

export interface CheckSpec {
  /** Enough requests that lazy initialisation happens before the baseline. */
  warmup(context: CheckContext): Promise<void>;
  /** The production-like workload whose leftovers are measured. */
  traffic(context: CheckContext): Promise<void>;
  /** After the snapshots: does the server still do its job? Call `context.breach` for each broken promise. */
  contract(context: CheckContext): Promise<void>;
  readonly measures: readonly Measure[];
  /**
   * Each measure is a leak of its own, one of several in one service: the
   * verdict counts how many are fixed ("2 of 3 leaks fixed").
   */
  readonly countLeaks?: boolean;
  /**
   * With countLeaks, when each leak is in a module of its own: the file of each
   * leak, in the order of the leaks ('catalog.ts'). A measure that fails on what
   * a line of another leak's file made (its places, its retainer path) counts
   * against that leak, not its own: a timer left in downloads.ts is the
   * downloads' leak, whichever measure caught it.
   */
  readonly leakFiles?: readonly string[];
  /**
   * Stored files that grow while the service runs, as a web server's access log does: the check gets copies of its
   * own, the server's file store holds those (and only those), and `context.appendToStoredFile` adds to them.
   */
  readonly growingFiles?: readonly string[];
  /**
   * The server's routes that take a file name or an upload, as "METHOD /path/:name".
   * Every scenario server, leaky and fixed, must refuse unsafe names and
   * oversized uploads on them; the tests hold each one to it.
   */
  readonly routes: {
    readonly fileNames: readonly string[];
    readonly uploads: readonly string[];
  };
}

/** One step of a retainer path, from a root the learner recognises to the object that stays. */
export interface RetainerStep {
  /** How the previous step holds this one: "variable thumbnailCache", "Map entry", ".data". */
  readonly via: string;
  /** What this object is: "Map", "Buffer", "onFileChanged()". */
  readonly label: string;
  readonly retainedBytes: number;
}

export interface RetainerPath {
  /** Where the path starts: a name the learner knows, what it is, and the object it names. */
  readonly root: {
    /** "thumbnailCache", "Timeout", "EventEmitter". */
    readonly name: string;
    /** "module variable in scenarios/01-download-cache/server.ts". */
    readonly description: string;
    /** Where its name is declared, for a module variable or export: "scenarios/01-download-cache/server.ts:14". */
    readonly declaredAt?: string;
    /** What the root object is: "Map". */
    readonly label: string;
    readonly retainedBytes: number;
  };
  readonly steps: readonly RetainerStep[];
}

export interface MeasureResult {
  readonly name: string;
  readonly unit: 'bytes' | 'objects';
  readonly value: number;
  readonly bar: number;
  /** How many objects the figure counts (heap measures). */
  readonly objects?: number;
  readonly describe?: string;
  readonly passed: boolean;
  /** It catches the leak of the measure before it, in another form (a measure's `sameLeak`). */
  readonly sameLeak?: boolean;
  /**
   * In a check that counts leaks, the leaks (numbered from 1) this measure
   * counts against: its own, or, when it failed on what another leak's file
   * made (CheckSpec.leakFiles), that leak's, with `foundIn` naming the files.
   */
  readonly leaks?: readonly number[];
  readonly foundIn?: readonly string[];
  /** The part of the traffic after which a measure read at checkpoints found its figure: the checkpoint's label ("the album"). */
  readonly readAfter?: string;
  /** Why what it counts must not stay, when it failed (a resource measure's `advice`). */
  readonly advice?: string;
  /** Why the leaky server passes it: a guard against a leak a fix brings in (a measure's `guards`). */
  readonly guards?: string;
  /** The shortest readable path to the largest retained object (heap measures that failed). */
  readonly path?: RetainerPath;
  /** The path leads to the holder that grew most since a checkpoint (a growth measure), not to what stayed. */
  readonly pathToHolder?: boolean;
  /** Other retainer paths that keep the selected objects, beyond the one shown. */
  readonly otherPaths?: number;
  /** How a peak measure's figure came about (peak measures). */
  readonly sampled?: SampledPeak;
  /** The instrument that gave the figure (resource measures). */
  readonly instrument?: string;
  /** Instruments the measure would rather have used, missing here, each with why (resource measures). */
  readonly unavailable?: readonly string[];
  /** No instrument could read this measure here: it fails, and the verdict says so. */
  readonly notMeasured?: boolean;
  /** What makes up the figure, grouped by what it is and where it was made, most first (resource measures whose instrument records places). */
  readonly places?: readonly Place[];
}

/** A peak measure's raw figures: the value before the traffic, the peak, and what to read them against. */
export interface SampledPeak {
  readonly figure: SampledFigure;
  readonly before: number;
  readonly peak: number;
  readonly samples: number;
  /** Of those, readings taken when the server had done all it could while its slow client or disk made it wait. */
  readonly steadyReadings: number;
  /** The most bytes the server had written and its clients had not taken yet, at any reading. */
  readonly bufferedBytes: number;
  readonly compareTo?: { readonly describe: string; readonly bytes: number };
  /** The requests of the check's clients in flight when the figure peaked ("PUT /uploads/a.bin"), most recent first. */
  readonly during?: readonly string[];
}

export interface PhaseTimes {
  start: number;
  warmup: number;
  traffic: number;
  snapshots: number;
  analysis: number;
  contract: number;
}

/** One reading of the server's memory during a check, for the report's chart. */
export interface TimelinePoint {
  /** Milliseconds since the server was ready. */
  readonly ms: number;
  readonly phase: keyof PhaseTimes;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly rss: number;
}

export type Verdict =
  | {
      readonly status: 'pass' | 'fail';
      /** Memory over the check, when it was asked for (the HTML report). */
      readonly timeline?: readonly TimelinePoint[];
      readonly measures: readonly MeasureResult[];
      /** For a service with several leaks, one per measure: how many there are, and how many are fixed. */
      readonly leaks?: { readonly total: number; readonly fixed: number };
      readonly breaches: readonly string[];
      readonly times: PhaseTimes;
      readonly snapshots?: readonly string[];
    }
  | { readonly status: 'could-not-check'; readonly reason: CouldNotCheckReason; readonly sentence: string; readonly times: Partial<PhaseTimes> };
