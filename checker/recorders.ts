/**
 * Runs in the server's process, installed by the harness before the learner's
 * code loads: records what the server holds outside the heap's plain view
 * (file descriptors, timers, listeners on the service's shared emitters), each
 * with the first line of the learner's code that led to it, so that a failing
 * measure can say where to look, on every platform.
 */
import { AsyncLocalStorage, createHook, executionAsyncResource } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import timers from 'node:timers';
import timersPromises from 'node:timers/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CONNECTION_LISTENER, OWN_EMITTER, type CreatedFile, type HeldResource } from './protocol.ts';
import { parseStackFrame } from './stack-frame.ts';
import { fileStoreCallers } from './service/caller.ts';

/** The real WeakRef, taken before a check may replace the global (see KeptWeakRefs): the recorders' own references stay weak. */
const RealWeakRef = globalThis.WeakRef;

/** Deep enough to pass Node's stream and timer internals and reach the learner's `await` (async frames included). */
const STACK_DEPTH = 64;

/**
 * The first stack frame in the learner's folder, as "scenarios/01-download-cache/server.ts:12:5":
 * the server file, or another module beside it (a service spread over several files).
 */
export function locationIn(stack: string | undefined, learnerFolder: string): string | undefined {
  if (!stack) return undefined;
  const folder = learnerFolder + path.sep;
  for (const line of stack.split('\n')) {
    const frame = parseStackFrame(line);
    if (!frame) continue;
    const file = frame.file;
    if (!file.startsWith(folder) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    return `${path.relative(process.cwd(), file).split(path.sep).join('/')}:${frame.line}:${frame.column}`;
  }
  return undefined;
}

/** The stack that is running now, from the caller of `below` down. */
function stackBelow(below: Function): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = STACK_DEPTH;
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, below);
  Error.stackTraceLimit = limit;
  return holder.stack ?? '';
}

/**
 * The learner's line that is running now, or null when none of theirs is on the stack. A file the file store opens
 * for its caller after one of its own awaits has no line of the caller's on the stack when the caller did not await
 * it (`createUploadStream(name).then(…)`): the store kept it (checker/service/caller.ts).
 */
function currentLocation(learnerFolder: string): string | null {
  return locationIn(stackBelow(currentLocation), learnerFolder) ?? locationIn(fileStoreCallers.getStore(), learnerFolder) ?? null;
}

/** Frames of Node's timers and of async_hooks, which a Timeout is made through whoever asked for it. */
const TIMER_PLUMBING = /\(?node:(?:internal\/)?(?:timers|async_hooks)(?:\/promises)?:|recorders\.ts:/;

/**
 * A Timeout Node made for itself while the learner's code was on the stack:
 * the first frame below Node's timer modules is another of Node's own (a
 * socket's idle timer that `res.end()` arms when the response finishes at
 * once, say), not a call to setTimeout or setInterval.
 */
function madeByNode(stack: string): boolean {
  for (const frame of stack.split('\n').slice(1)) {
    if (TIMER_PLUMBING.test(frame)) continue;
    return /\(node:|^\s*at node:/.test(frame);
  }
  return false;
}

let serial = 0;

/**
 * Releases made by a timer that waits at least as long as the check gives a
 * server to let go (a sweep every 5 s, a grace of 2 s): a file closed, a
 * timer cleared or a listener removed from such a timer's callback, or from
 * what it started, was held that long after its request ended, and longer on
 * a busy day. On a fast machine the check reads before the sweep and on a
 * slow one after it, so such a release is not counted as one: the verdict is
 * the same on every machine. The timer's callback runs with its delay as its
 * context, which promises, ticks and callbacks it starts carry on.
 */
export class LateReleases {
  private readonly context = new AsyncLocalStorage<number>();
  /** The request whose handler is running now, or started what is running (its promises, ticks and callbacks; not timers). */
  private readonly requests = new AsyncLocalStorage<RequestSpan>();
  /** Counts the starts and ends of requests, so that "ended before that one started" is a comparison. */
  private clock = 0;

  constructor(private readonly thresholdMs: number) {}

  install(): void {
    const context = this.context;
    const threshold = this.thresholdMs;
    const wrap = <T extends typeof setTimeout | typeof setInterval>(real: T): T => {
      const requests = this.requests;
      const wrapped = function (this: unknown, callback: unknown, delay?: unknown, ...args: unknown[]) {
        const ms = Number(delay);
        // A short timer's callback is left as it is: a heap snapshot's path to what it keeps goes through the learner's function.
        if (typeof callback !== 'function' || !(ms >= threshold)) return (real as Function).call(this, callback, delay, ...args);
        return (real as Function).call(this, function (this: unknown, ...given: unknown[]) {
          return context.run(ms, () => requests.exit(() => (callback as Function).apply(this, given)));
        }, delay, ...args);
      };
      // Name and length as Node's have them; util.promisify's own version is the late one of timers/promises.
      const { [promisify.custom]: custom, ...own } = Object.getOwnPropertyDescriptors(real) as Record<PropertyKey, PropertyDescriptor>;
      Object.defineProperties(wrapped, own);
      if (custom) Object.defineProperty(wrapped, promisify.custom, { configurable: true, writable: true, value: (timersPromises as Record<string, unknown>)[real === timers.setTimeout ? 'setTimeout' : 'setInterval'] });
      return wrapped as unknown as T;
    };
    this.wrapPromises();
    globalThis.setTimeout = timers.setTimeout = wrap(timers.setTimeout);
    globalThis.setInterval = timers.setInterval = wrap(timers.setInterval);
    syncBuiltinESMExports();
  }

  /**
   * node:timers/promises: `await setTimeout(2000)`, `for await (… of
   * setInterval(5000))`, `scheduler.wait(2000)`. The code after such an
   * await runs in the context of the function that awaited, not the timer's,
   * so the delay is kept in a window instead: open when the timer's promise
   * settles, through the code that awaited it (its synchronous part, the
   * promises it chains and the first ticks it queues), and shut before
   * anything else runs. Node drains those queues right after each timer's
   * callback, before it reads the network or another timer fires, so nothing
   * of another request can run inside the window.
   */
  private wrapPromises(): void {
    const threshold = this.thresholdMs;
    const opened = <T>(ms: number, value: T): T => {
      this.window = ms;
      // Two microtasks on, the code that awaited has run its first part; a tick then shuts the window after the ticks that part queued.
      queueMicrotask(() => queueMicrotask(() => process.nextTick(() => {
        if (this.window === ms) this.window = undefined;
      })));
      return value;
    };
    const realTimeout = timersPromises.setTimeout;
    const realInterval = timersPromises.setInterval;
    const realWait = timersPromises.scheduler.wait.bind(timersPromises.scheduler);
    const lateTimeout = function setTimeout(delay?: number, value?: unknown, options?: object) {
      const ms = Number(delay);
      const promise = realTimeout(delay, value, options);
      return ms >= threshold ? promise.then((given) => opened(ms, given)) : promise;
    };
    const lateInterval = function setInterval(delay?: number, value?: unknown, options?: object) {
      const ms = Number(delay);
      const iterator = realInterval(delay, value, options);
      if (!(ms >= threshold)) return iterator;
      const next = iterator.next.bind(iterator);
      return Object.assign(iterator, { next: () => next().then((result) => opened(ms, result)) });
    };
    Object.defineProperties(lateTimeout, { length: { value: realTimeout.length } });
    Object.defineProperties(lateInterval, { length: { value: realInterval.length } });
    (timersPromises as { setTimeout: unknown }).setTimeout = lateTimeout;
    (timersPromises as { setInterval: unknown }).setInterval = lateInterval;
    timersPromises.scheduler.wait = (delay: number, options?: object) => {
      const promise = realWait(delay, options);
      return Number(delay) >= threshold ? promise.then(() => opened(Number(delay), undefined)) : promise;
    };
  }

  /** A timers/promises timer's delay while the code that awaited it runs (see wrapPromises). */
  private window: number | undefined;

  /**
   * Run the server's request listeners each in a span of its own: a release
   * made by the handler of a request that started after the one that made
   * the resource had ended (a sweep when the next request comes) is held
   * until someone asks for something, all night on a quiet service.
   */
  spanRequests(server: import('node:http').Server): void {
    for (const listener of server.listeners('request') as Array<(...args: unknown[]) => unknown>) {
      server.off('request', listener);
      server.on('request', (request: unknown, response: EventEmitter) => {
        const span: RequestSpan = { started: ++this.clock };
        response.once('close', () => (span.ended = ++this.clock));
        return this.requests.run(span, () => listener.call(server, request, response));
      });
    }
  }

  /** The request whose handler made what is being made now, to tell later who let it go. */
  requestNow(): RequestSpan | undefined {
    return this.requests.getStore();
  }

  /**
   * Why a release made now, of a resource made in `madeIn`, does not count as
   * one: a timer of a second or more, or the handler of a later request.
   */
  lateNow(madeIn?: RequestSpan): LateReason | undefined {
    const ms = this.context.getStore() ?? this.window;
    if (ms !== undefined) return { kind: 'timer', ms };
    // A timer is not its request's handler: what it lets go of, it lets go of for whoever set it (a batch, a debounce).
    const running = executionAsyncResource() as object | undefined;
    const inTimer = running?.constructor?.name === 'Timeout' || running?.constructor?.name === 'Immediate';
    const now = inTimer ? undefined : this.requests.getStore();
    if (madeIn && now && now !== madeIn && madeIn.ended !== undefined && madeIn.ended < now.started) return { kind: 'later request' };
    return undefined;
  }
}

/** A request, from its handler's start to its response's close, in LateReleases' clock. */
export interface RequestSpan {
  readonly started: number;
  ended?: number;
}

export type LateReason = { readonly kind: 'timer'; readonly ms: number } | { readonly kind: 'later request' };

/** How a release a LateReleases does not count is shown beside what stayed. */
function lateNote(reason: LateReason, verb: string): string {
  if (reason.kind === 'later request') return ` (${verb} by the handler of a later request, not when its own request ended: held until the next request comes)`;
  return ` (${verb} by a timer of ${reason.ms} ms, not when its request ended: held until it fires)`;
}

interface DescriptorRecord {
  readonly serial: number;
  readonly file: string;
  location: string | null;
  /** The FileHandle, for a descriptor fs.promises.open gave: held weakly, so the record keeps nothing alive. */
  readonly handle?: WeakRef<fs.promises.FileHandle>;
  /** The request whose handler opened it (see LateReleases). */
  readonly madeIn?: RequestSpan;
  /** Why it is still open, where the check knows better than the listing (a read it answers last). */
  note?: string;
}

type Callback = (error: NodeJS.ErrnoException | null, fd?: number) => void;

/**
 * Descriptors opened through node:fs and not closed yet, by number: fs.open,
 * openSync, fs.promises.open (its FileHandle), and the streams, which open
 * and close through fs.open and fs.close a tick after they are made (Node 20
 * and 24 alike), so their place is taken when the stream is created.
 */
export class DescriptorRecorder {
  private readonly open = new Map<number, DescriptorRecord>();
  /** Closes asked for and not done yet (they run on libuv's thread pool): still listed, already let go of. */
  private readonly closing = new Set<number>();
  /**
   * FileHandles nothing closed: the collector found them unreachable and
   * closed their descriptors (Node warns). The check collects garbage before
   * it counts, so they would look closed; a service collects when its heap
   * says so, and until then each stays open. Told apart by a weak reference
   * to the handle, which the collection clears at once (Node's warning and a
   * FinalizationRegistry come some turns later).
   */
  private readonly collected: Array<DescriptorRecord & { readonly fd: number }> = [];

  /** Descriptors a timer the check does not wait for closed (see LateReleases): open until it fired, and kept as such. */
  private readonly closedLate: Array<DescriptorRecord & { readonly fd: number; readonly reason: LateReason }> = [];

  constructor(
    private readonly learnerFolder: string,
    private readonly late?: LateReleases,
  ) {}

  install(): void {
    const recorder = this;
    const realOpen = fs.open;
    const realOpenSync = fs.openSync;
    const realClose = fs.close;
    const realCloseSync = fs.closeSync;
    const realPromisesOpen = fs.promises.open;
    const realCreateReadStream = fs.createReadStream;
    const realCreateWriteStream = fs.createWriteStream;

    fs.open = function open(file: fs.PathLike, ...rest: unknown[]) {
      // A call without a callback is Node's to refuse, with its own error.
      if (typeof rest.at(-1) !== 'function') return (realOpen as (...args: unknown[]) => void).call(fs, file, ...rest);
      const location = currentLocation(recorder.learnerFolder);
      const callback = rest.pop() as Callback;
      const wrapped: Callback = (error, fd) => {
        if (!error && fd !== undefined) recorder.opened(fd, file, location);
        callback(error, fd);
      };
      return (realOpen as (...args: unknown[]) => void).call(fs, file, ...rest, wrapped);
    } as typeof fs.open;
    fs.openSync = function openSync(file: fs.PathLike, ...rest: unknown[]) {
      const fd = (realOpenSync as (...args: unknown[]) => number).call(fs, file, ...rest);
      recorder.opened(fd, file, currentLocation(recorder.learnerFolder));
      return fd;
    } as typeof fs.openSync;
    // Forgotten at the call, not in the callback: by then another open may have been given the same number.
    fs.close = function close(fd: number, ...rest: unknown[]) {
      recorder.closed(fd);
      const callback = rest.at(-1);
      if (typeof callback !== 'function') return (realClose as (...args: unknown[]) => void).call(fs, fd, ...rest);
      recorder.closing.add(fd);
      return realClose.call(fs, fd, (error) => {
        recorder.closing.delete(fd);
        (callback as Callback)(error);
      });
    } as typeof fs.close;
    fs.closeSync = function closeSync(fd: number) {
      recorder.closed(fd);
      return realCloseSync.call(fs, fd);
    };
    fs.promises.open = async function open(file: fs.PathLike, ...rest: unknown[]) {
      const location = currentLocation(recorder.learnerFolder);
      const handle = await (realPromisesOpen as (...args: unknown[]) => Promise<fs.promises.FileHandle>).call(fs.promises, file, ...rest);
      // close is each FileHandle's own property (Node 20 to 24), not its prototype's: wrapped on each. Streams made from
      // the handle, readableWebStream and `await using` close through it too.
      const fd = handle.fd;
      const realHandleClose = handle.close;
      handle.close = function close(this: fs.promises.FileHandle) {
        recorder.closedHandle(fd, handle);
        recorder.closing.add(fd);
        return realHandleClose.call(this).finally(() => recorder.closing.delete(fd));
      };
      recorder.opened(fd, file, location, handle);
      return handle;
    } as typeof fs.promises.open;
    const placeStreams = <T extends fs.ReadStream | fs.WriteStream>(create: (...args: never[]) => T) =>
      function createStream(...args: unknown[]): T {
        const stream = (create as (...args: unknown[]) => T).apply(fs, args);
        const location = currentLocation(recorder.learnerFolder);
        (stream as NodeJS.EventEmitter).once('open', (fd: number) => recorder.placed(fd, location));
        return stream;
      };
    fs.createReadStream = placeStreams(realCreateReadStream) as typeof fs.createReadStream;
    fs.createWriteStream = placeStreams(realCreateWriteStream) as typeof fs.createWriteStream;
    // Named imports (import { createReadStream } from 'node:fs') read the patched functions too.
    syncBuiltinESMExports();
  }

  private opened(fd: number, file: fs.PathLike, location: string | null, handle?: fs.promises.FileHandle): void {
    // The number may be free again because the collector closed a FileHandle that had it.
    this.sweepCollected();
    // Its request: an open's callback, a stream's own open and an awaited FileHandle run in the context of the code that asked.
    const madeIn = this.late?.requestNow();
    this.open.set(fd, { serial: ++serial, file: String(file), location, ...(handle ? { handle: new RealWeakRef(handle) } : {}), ...(madeIn ? { madeIn } : {}) });
  }

  /** The request whose handler opened `fd`, while it is open. */
  openedIn(fd: number): RequestSpan | undefined {
    return this.open.get(fd)?.madeIn;
  }

  /** Where the learner's code opened `fd` ("scenarios/11-gzip-downloads/server.ts:19:16"), while it is open. */
  openedAt(fd: number): string | null {
    return this.open.get(fd)?.location ?? null;
  }

  /** Say, beside `fd` while it stays open, why. */
  noteOpen(fd: number, note: string): void {
    const record = this.open.get(fd);
    if (record) record.note = note;
  }

  /** Records of FileHandles the collector took without a close: open until it ran, and kept as such. */
  private sweepCollected(): void {
    for (const [fd, record] of this.open) {
      if (!record.handle || record.handle.deref() !== undefined) continue;
      this.open.delete(fd);
      this.collected.push({ ...record, fd });
    }
  }

  private closed(fd: number): void {
    this.forget(fd);
  }

  /** A FileHandle's close, asked for again after its descriptor's number went to another file, forgets nothing else. */
  private closedHandle(fd: number, handle: fs.promises.FileHandle): void {
    if (this.open.get(fd)?.handle?.deref() === handle) this.forget(fd);
  }

  private forget(fd: number): void {
    const record = this.open.get(fd);
    const reason = record && this.late?.lateNow(record.madeIn);
    if (record && reason) this.closedLate.push({ ...record, fd, reason });
    this.open.delete(fd);
  }

  private placed(fd: number, location: string | null): void {
    const record = this.open.get(fd);
    if (record && location) record.location = location;
  }

  /**
   * Every descriptor the process has open. Where the platform lists them
   * (/proc/self/fd, /dev/fd), the listing decides what is open and the record
   * names it; one the record lacks (opened outside node:fs) is named by what
   * its link points at, unless its close is under way. Elsewhere, the record
   * alone. Either way a close counts from the moment it is asked for, so the
   * figure does not depend on how soon the thread pool gets to it.
   */
  held(connections: ReadonlySet<number> = new Set()): HeldResource[] {
    this.sweepCollected();
    const collected = [
      ...this.collected.map((record) => describeRecord(record.fd, record, ' (closed by the garbage collector, not by the code: open until it runs)')),
      ...this.closedLate.map((record) => describeRecord(record.fd, record, lateNote(record.reason, 'closed'))),
    ];
    const listing = listDescriptors();
    if (!listing) return [...[...this.open].map(([fd, record]) => describeRecord(fd, record)), ...collected];
    for (const fd of this.open.keys()) if (!listing.open.has(fd)) this.open.delete(fd);
    const held: HeldResource[] = [];
    for (const [fd, target] of listing.open) {
      const record = this.open.get(fd);
      if (record) held.push(describeRecord(fd, record));
      // A client's connection (one a keep-alive client holds open) is the client's, not a file the server left open.
      else if (!this.closing.has(fd) && !connections.has(fd)) held.push({ key: `fd ${fd} ${target}`, what: `${target} (opened outside node:fs, listed in ${listing.dir})`, location: null });
    }
    return [...held, ...collected];
  }
}

/** Whether an open with these flags makes the file when there is none: w, a (and their x, s, + forms), or O_CREAT. */
function mayCreate(flags: unknown): boolean {
  if (typeof flags === 'string') return /[wa]/.test(flags);
  return typeof flags === 'number' && (flags & fs.constants.O_CREAT) !== 0;
}

function pathOf(file: unknown): string | null {
  if (typeof file === 'string') return path.resolve(file);
  if (file instanceof URL && file.protocol === 'file:') return fileURLToPath(file);
  if (Buffer.isBuffer(file)) return path.resolve(file.toString());
  return null;
}

/**
 * Files the server made: none was there when it opened one for writing
 * (fs.open, openSync, fs.promises.open, and so the write streams and
 * writeFile), wrote one whole (writeFile, appendFile, sync and promises) or
 * copied one (copyFile), anywhere on the disk, each with the first line of the
 * learner's code that led to it: a check reads which of them are still there
 * after the traffic (a spool file of a dropped upload, beside the server or in
 * its working folder), with their sizes. A file that was there before is not
 * the server's to have made, whatever it wrote into it. Folders too: those
 * mkdtemp and mkdir made (foldersLeft), where a spool folder per upload stays.
 */
export class CreatedFiles {
  private readonly made = new Map<string, { serial: number; location: string | null }>();
  private readonly madeFolders = new Map<string, { serial: number; location: string | null }>();
  /** Every write stream made (fs.createWriteStream), weakly, until the collector takes it: `closed` once it has closed. */
  private streams: Array<{ readonly serial: number; readonly file: string; readonly location: string | null; readonly ref: WeakRef<fs.WriteStream>; closed: boolean }> = [];

  constructor(private readonly learnerFolder: string) {}

  install(): void {
    const recorder = this;
    /** The path `file` names, when opening it with `flags` would make it now; null otherwise. */
    const making = (file: unknown, flags: unknown): string | null => {
      const where = mayCreate(flags) ? pathOf(file) : null;
      return where !== null && !fs.existsSync(where) ? where : null;
    };
    const realOpen = fs.open;
    fs.open = function open(file: fs.PathLike, ...rest: unknown[]) {
      if (typeof rest.at(-1) !== 'function') return (realOpen as (...args: unknown[]) => void).call(fs, file, ...rest);
      const made = making(file, typeof rest[0] === 'function' ? 'r' : (rest[0] ?? 'r'));
      const location = made ? currentLocation(recorder.learnerFolder) : null;
      const callback = rest.pop() as (error: Error | null, fd?: number) => void;
      return (realOpen as (...args: unknown[]) => void).call(fs, file, ...rest, (error: Error | null, fd?: number) => {
        if (!error && made) recorder.record(made, location);
        callback(error, fd);
      });
    } as typeof fs.open;
    const realOpenSync = fs.openSync;
    fs.openSync = function openSync(file: fs.PathLike, flags?: fs.OpenMode, ...rest: unknown[]) {
      const made = making(file, flags ?? 'r');
      const fd = (realOpenSync as (...args: unknown[]) => number).call(fs, file, flags, ...rest);
      if (made) recorder.record(made, currentLocation(recorder.learnerFolder));
      return fd;
    } as typeof fs.openSync;
    const promises = fs.promises as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const realPromisesOpen = promises.open!;
    promises.open = async function open(file: unknown, flags: unknown = 'r', ...rest: unknown[]) {
      const made = making(file, flags);
      const location = made ? currentLocation(recorder.learnerFolder) : null;
      const handle = await realPromisesOpen.call(fs.promises, file, flags, ...rest);
      if (made) recorder.record(made, location);
      return handle;
    };
    // Whole writes and copies, whose promises and sync forms open their file inside Node, past fs.open.
    for (const [name, flag] of [['writeFile', 'w'], ['appendFile', 'a']] as const) {
      const real = promises[name]!;
      promises[name] = async function write(file: unknown, data: unknown, options?: unknown) {
        const made = making(file, (options as { flag?: unknown } | undefined)?.flag ?? flag);
        const location = made ? currentLocation(recorder.learnerFolder) : null;
        await real.call(fs.promises, file, data, options);
        if (made) recorder.record(made, location);
      };
      const sync = `${name}Sync` as const;
      const realSync = fs[sync] as (...args: unknown[]) => void;
      (fs as unknown as Record<string, unknown>)[sync] = function writeSync(file: unknown, data: unknown, options?: unknown) {
        const made = making(file, (options as { flag?: unknown } | undefined)?.flag ?? flag);
        realSync.call(fs, file, data, options);
        if (made) recorder.record(made, currentLocation(recorder.learnerFolder));
      };
    }
    const realCopy = fs.copyFile;
    fs.copyFile = function copyFile(source: fs.PathLike, target: fs.PathLike, ...rest: unknown[]) {
      const made = making(target, 'w');
      const location = made ? currentLocation(recorder.learnerFolder) : null;
      const callback = rest.pop() as (error: Error | null) => void;
      return (realCopy as (...args: unknown[]) => void).call(fs, source, target, ...rest, (error: Error | null) => {
        if (!error && made) recorder.record(made, location);
        callback(error);
      });
    } as typeof fs.copyFile;
    const realCopySync = fs.copyFileSync;
    fs.copyFileSync = function copyFileSync(source: fs.PathLike, target: fs.PathLike, mode?: number) {
      const made = making(target, 'w');
      realCopySync.call(fs, source, target, mode);
      if (made) recorder.record(made, currentLocation(recorder.learnerFolder));
    };
    const realPromisesCopy = promises.copyFile!;
    promises.copyFile = async function copyFile(source: unknown, target: unknown, mode?: unknown) {
      const made = making(target, 'w');
      const location = made ? currentLocation(recorder.learnerFolder) : null;
      await realPromisesCopy.call(fs.promises, source, target, mode);
      if (made) recorder.record(made, location);
    };
    // Folders: mkdtemp makes one every time; mkdir one (or, recursive, the first of those it makes, which it answers) when it was not there.
    const realMkdtemp = fs.mkdtemp;
    fs.mkdtemp = function mkdtemp(prefix: string, ...rest: unknown[]) {
      // A call without a callback is Node's to refuse, as it would without the harness.
      if (typeof rest.at(-1) !== 'function') return (realMkdtemp as (...args: unknown[]) => void).call(fs, prefix, ...rest);
      const location = currentLocation(recorder.learnerFolder);
      const callback = rest.pop() as (error: Error | null, folder?: string) => void;
      return (realMkdtemp as (...args: unknown[]) => void).call(fs, prefix, ...rest, (error: Error | null, folder?: string) => {
        if (!error && typeof folder === 'string') recorder.recordFolder(folder, location);
        callback(error, folder);
      });
    } as typeof fs.mkdtemp;
    const realMkdtempSync = fs.mkdtempSync;
    fs.mkdtempSync = function mkdtempSync(prefix: string, options?: unknown) {
      const folder = (realMkdtempSync as (...args: unknown[]) => unknown).call(fs, prefix, options);
      if (typeof folder === 'string') recorder.recordFolder(folder, currentLocation(recorder.learnerFolder));
      return folder;
    } as typeof fs.mkdtempSync;
    const realPromisesMkdtemp = promises.mkdtemp!;
    promises.mkdtemp = async function mkdtemp(prefix: unknown, options?: unknown) {
      const location = currentLocation(recorder.learnerFolder);
      const folder = await realPromisesMkdtemp.call(fs.promises, prefix, options);
      if (typeof folder === 'string') recorder.recordFolder(folder, location);
      return folder;
    };
    /** The folder a mkdir made: the one it names, or the first a recursive one made (what it answers), if any. */
    const madeFolder = (target: unknown, options: unknown, answer: unknown): string | null => {
      const recursive = typeof options === 'object' && options !== null && (options as { recursive?: unknown }).recursive === true;
      if (recursive) return typeof answer === 'string' ? path.resolve(answer) : null;
      return pathOf(target);
    };
    const realMkdir = fs.mkdir;
    fs.mkdir = function mkdir(target: fs.PathLike, ...rest: unknown[]) {
      if (typeof rest.at(-1) !== 'function') return (realMkdir as (...args: unknown[]) => void).call(fs, target, ...rest);
      const location = currentLocation(recorder.learnerFolder);
      const callback = rest.pop() as (error: Error | null, made?: string) => void;
      const options = rest[0];
      return (realMkdir as (...args: unknown[]) => void).call(fs, target, ...rest, (error: Error | null, made?: string) => {
        const folder = error ? null : madeFolder(target, options, made);
        if (folder) recorder.recordFolder(folder, location);
        callback(error, made);
      });
    } as typeof fs.mkdir;
    const realMkdirSync = fs.mkdirSync;
    fs.mkdirSync = function mkdirSync(target: fs.PathLike, options?: unknown) {
      const made = (realMkdirSync as (...args: unknown[]) => unknown).call(fs, target, options);
      const folder = madeFolder(target, options, made);
      if (folder) recorder.recordFolder(folder, currentLocation(recorder.learnerFolder));
      return made;
    } as typeof fs.mkdirSync;
    const realPromisesMkdir = promises.mkdir!;
    promises.mkdir = async function mkdir(target: unknown, options?: unknown) {
      const location = currentLocation(recorder.learnerFolder);
      const made = await realPromisesMkdir.call(fs.promises, target, options);
      const folder = madeFolder(target, options, made);
      if (folder) recorder.recordFolder(folder, location);
      return made;
    };
    // A write stream opens its file a tick after it is made, with no line of the learner's on the stack: its place is taken when it is made.
    const realCreateWriteStream = fs.createWriteStream;
    fs.createWriteStream = function createWriteStream(...args: unknown[]) {
      const stream = (realCreateWriteStream as (...args: unknown[]) => fs.WriteStream).apply(fs, args);
      const location = currentLocation(recorder.learnerFolder);
      const kept = { serial: ++serial, file: String(stream.path), location, ref: new RealWeakRef(stream), closed: false };
      recorder.streams.push(kept);
      stream.once('close', () => void (kept.closed = true));
      stream.once('open', () => {
        const made = pathOf(stream.path);
        const record = made ? recorder.made.get(made) : undefined;
        if (record && !record.location) record.location = location;
      });
      return stream;
    } as typeof fs.createWriteStream;
    syncBuiltinESMExports();
  }

  private record(file: string, location: string | null): void {
    this.made.set(file, { serial: ++serial, location });
  }

  private recordFolder(folder: string, location: string | null): void {
    this.madeFolders.set(path.resolve(folder), { serial: ++serial, location });
  }

  /**
   * The write streams the server made (fs.createWriteStream, and so the file store's upload streams) still alive after
   * a garbage collection, each with the line of the learner's code that made it: once the requests are over, one that
   * stays is kept by something of the server's (a Set of the streams in flight), with whatever it had buffered.
   * `collectGarbage` runs only while a stream that has closed may still be alive (one that has not is counted as it is).
   */
  writeStreamsAlive(collectGarbage: () => void): HeldResource[] {
    if (this.streams.some(({ closed }) => closed)) collectGarbage();
    this.streams = this.streams.filter(({ ref }) => ref.deref() !== undefined);
    return this.streams.map(({ serial: made, file, location }) => ({ key: `#${made} write stream ${file}`, what: `write stream to ${path.basename(file)}`, location }));
  }

  /** The folders the server made (mkdtemp, mkdir) that are still there, in the order it made them; `bytes` counts what is in each. */
  foldersLeft(): CreatedFile[] {
    const left: CreatedFile[] = [];
    for (const [folder, { serial: made, location }] of this.madeFolders) {
      let entries: string[];
      try {
        entries = fs.readdirSync(folder);
      } catch {
        this.madeFolders.delete(folder);
        continue;
      }
      left.push({ key: `#${made} ${folder}`, what: path.basename(folder), file: folder, bytes: entries.length, location });
    }
    return left;
  }

  /** The files the server made that are still there, with their sizes, in the order it made them. */
  left(): CreatedFile[] {
    const left: CreatedFile[] = [];
    for (const [file, { serial: made, location }] of this.made) {
      const stats = fs.statSync(file, { throwIfNoEntry: false });
      if (!stats?.isFile()) {
        this.made.delete(file);
        continue;
      }
      left.push({ key: `#${made} ${file}`, what: path.basename(file), file, bytes: stats.size, location });
    }
    return left;
  }
}

function describeRecord(fd: number, record: DescriptorRecord, note = record.note ?? ''): HeldResource {
  return { key: `#${record.serial} fd ${fd}`, what: `${path.basename(record.file)}${note}`, location: record.location };
}

/** Set to 1 to check as on Windows, where a process cannot list its own descriptors (the tests compare both). */
const HIDE_LISTING = process.env.FG_HIDE_FD_LISTING === '1';

/** The process's open descriptors and what each points at, where the platform lists them. */
export function listDescriptors(): { dir: string; open: Map<number, string> } | null {
  if (HIDE_LISTING) return null;
  for (const dir of ['/proc/self/fd', '/dev/fd']) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    const open = new Map<number, string>();
    for (const name of names) {
      let target: string;
      try {
        target = fs.readlinkSync(`${dir}/${name}`);
      } catch (error) {
        // macOS lists descriptors as devices, not links; gone (the listing's own descriptor) otherwise.
        if ((error as NodeJS.ErrnoException).code !== 'EINVAL') continue;
        target = `descriptor ${name}`;
      }
      // The listing's own descriptor, still open while it is read.
      if (target === dir || /^\/proc\/\d+\/fd$/.test(target)) continue;
      open.set(Number(name), target);
    }
    return { dir, open };
  }
  return null;
}

/** Node's Timeout, with the fields it sets when a timer is made, cleared, or fires for the last time. */
type Timeout = NodeJS.Timeout & { _destroyed?: boolean; _repeat?: number | null; _idleTimeout?: number };

function timerKind(timer: Timeout): string {
  return timer._repeat ? `interval, every ${timer._repeat} ms` : `timeout of ${timer._idleTimeout ?? '?'} ms`;
}

interface TimerRecord {
  readonly serial: number;
  readonly timer: WeakRef<Timeout>;
  readonly location: string;
  /** Cleared by a timer the check does not wait for (see LateReleases): that timer's delay, and what this one was. */
  clearedLate?: { readonly reason: LateReason; readonly kind: string };
  /** The request whose handler made it (see LateReleases). */
  readonly madeIn?: RequestSpan;
}

/**
 * Every Timeout the learner's code made that V8 still holds, ref'd or unref'd
 * (process.getActiveResourcesInfo leaves unref'd ones out), from setTimeout,
 * setInterval and timers/promises alike: an async hook sees each one made. Held weakly, so the record keeps
 * nothing alive; a timer that fired for the last time or was cleared is
 * marked destroyed by Node.
 */
export class TimerRecorder {
  private readonly timers: TimerRecord[] = [];

  constructor(
    private readonly learnerFolder: string,
    private readonly late?: LateReleases,
  ) {}

  install(): void {
    if (this.late) this.watchClears(this.late);
    const init = (_id: number, type: string, _trigger: number, resource: object): void => {
      if (type !== 'Timeout') return;
      // Only the learner's: Node makes short-lived ones of its own (the HTTP Date header's cache, socket timeouts) at any
      // moment, sometimes with a line of the learner's below (res.end() arms the connection's keep-alive timer).
      const stack = stackBelow(init);
      const location = locationIn(stack, this.learnerFolder);
      if (location && !madeByNode(stack)) this.timers.push({ serial: ++serial, timer: new RealWeakRef(resource as Timeout), location, madeIn: this.late?.requestNow() });
    };
    createHook({ init }).enable();
  }

  /** clearTimeout, clearInterval and a Timeout's close(), noted when a timer the check does not wait for makes them. */
  private watchClears(late: LateReleases): void {
    const note = (timer: unknown): void => {
      if (typeof timer !== 'object' || timer === null) return;
      const record = this.timers.find((candidate) => candidate.timer.deref() === timer);
      const reason = record && late.lateNow(record.madeIn);
      if (record && reason && !(timer as Timeout)._destroyed) record.clearedLate = { reason, kind: timerKind(timer as Timeout) };
    };
    const realClearTimeout = timers.clearTimeout;
    const realClearInterval = timers.clearInterval;
    globalThis.clearTimeout = timers.clearTimeout = function clearTimeout(timer) {
      note(timer);
      return realClearTimeout(timer);
    } as typeof clearTimeout;
    globalThis.clearInterval = timers.clearInterval = function clearInterval(timer) {
      note(timer);
      return realClearInterval(timer);
    } as typeof clearInterval;
    syncBuiltinESMExports();
    const prototype = Object.getPrototypeOf(setTimeout(() => undefined, 0).unref()) as { close(this: Timeout): Timeout };
    const realClose = prototype.close;
    prototype.close = function close(this: Timeout) {
      note(this);
      return realClose.call(this);
    };
  }

  held(): HeldResource[] {
    const live: HeldResource[] = [];
    for (let i = this.timers.length - 1; i >= 0; i--) {
      const record = this.timers[i]!;
      const timer = record.timer.deref();
      // Kept as held once its clear did not count, though the collector may have taken the cleared Timeout since.
      if (record.clearedLate) {
        live.push({ key: `#${record.serial}`, what: `${record.clearedLate.kind}${lateNote(record.clearedLate.reason, 'cleared')}`, location: record.location, late: record.clearedLate.reason.kind });
        continue;
      }
      if (!timer || timer._destroyed) {
        this.timers.splice(i, 1);
        continue;
      }
      live.push({ key: `#${record.serial}`, what: `${timerKind(timer)}${timer.hasRef() ? '' : ", unref'd"}`, location: record.location });
    }
    return live.reverse();
  }
}

/**
 * Listeners on the emitters a service module exports (the file store's
 * fileEvents), each with the line that added it. once() and events.on() add
 * through on(), prependOnceListener through prependListener.
 */
export class ListenerRecorder {
  private readonly added = new WeakMap<Function, { serial: number; location: string | null; madeIn?: RequestSpan }>();
  /**
   * Held weakly, as the connections are: a strong reference from the harness
   * would be a path from a root to every listener, and the shortest one on
   * some Node versions (24), so the heap would blame the harness for them.
   */
  private readonly emitters: Array<{ name: string; emitter: WeakRef<EventEmitter> }> = [];
  /** Listeners a timer the check does not wait for removed (see LateReleases): on until it fired, and kept as such. */
  private readonly removedLate: HeldResource[] = [];

  constructor(
    private readonly learnerFolder: string,
    private readonly late?: LateReleases,
  ) {}

  watch(name: string, emitter: EventEmitter): void {
    this.emitters.push({ name, emitter: new RealWeakRef(emitter) });
    for (const method of ['on', 'addListener', 'prependListener'] as const) {
      const real = emitter[method];
      emitter[method] = (event: string | symbol, listener: (...args: unknown[]) => void) => {
        this.added.set(listener, { serial: ++serial, location: currentLocation(this.learnerFolder), madeIn: this.late?.requestNow() });
        return real.call(emitter, event, listener);
      };
    }
    this.watchRemovals(emitter, (event) => `listener on ${name} '${String(event)}'`);
  }

  /**
   * Watch every EventEmitter the learner's code makes (new EventEmitter(), or
   * a class of theirs that extends it), from the moment it is made: a
   * listener added per request to an emitter of the service's own stays as
   * surely as one on fileEvents, whatever function it is. Node makes its
   * streams and sockets through EventEmitter.init too, many per request: only
   * a plain emitter or a direct subclass has its stack read.
   */
  watchEmittersOfTheLearner(): void {
    const recorder = this;
    const events = EventEmitter as unknown as { init: (this: EventEmitter, ...args: unknown[]) => unknown };
    const realInit = events.init;
    events.init = function init(this: EventEmitter, ...args: unknown[]) {
      const result = realInit.apply(this, args);
      const prototype = Object.getPrototypeOf(this) as object | null;
      if (prototype === EventEmitter.prototype || (prototype && Object.getPrototypeOf(prototype) === EventEmitter.prototype)) {
        const location = currentLocation(recorder.learnerFolder);
        if (location) recorder.watch(`${OWN_EMITTER} (${location.replace(/:\d+$/, '')})`, this);
      }
      return result;
    };
  }

  /** removeListener, off and removeAllListeners, noted when a timer the check does not wait for makes them. */
  private watchRemovals(emitter: EventEmitter, what: (event: string | symbol) => string): void {
    const late = this.late;
    if (!late) return;
    const note = (event: string | symbol, listeners: readonly Function[]): void => {
      for (const listener of listeners) {
        // once() adds a wrapper: its record is the listener's.
        const record = this.added.get(listener) ?? this.added.get((listener as { listener?: Function }).listener as Function);
        const reason = record && late.lateNow(record.madeIn);
        if (record && reason) this.removedLate.push({ key: `#${record.serial}`, what: `${what(event)}${lateNote(reason, 'removed')}`, location: record.location, late: reason.kind });
      }
    };
    for (const method of ['removeListener', 'off'] as const) {
      const real = emitter[method];
      emitter[method] = (event: string | symbol, listener: (...args: unknown[]) => void) => {
        const present = emitter.rawListeners(event).filter((candidate) => candidate === listener || (candidate as { listener?: Function }).listener === listener);
        note(event, present.slice(-1));
        return real.call(emitter, event, listener);
      };
    }
    const realRemoveAll = emitter.removeAllListeners;
    emitter.removeAllListeners = (event?: string | symbol) => {
      for (const name of event === undefined ? emitter.eventNames() : [event]) note(name, emitter.rawListeners(name));
      return realRemoveAll.call(emitter, event);
    };
  }

  /**
   * Record the listeners the learner's code adds to one client connection
   * (a socket the server accepted): on a connection a keep-alive client
   * holds open, one added per request and never removed piles up, and keeps
   * whatever it closes over. Node's own and the libraries' listeners are
   * left out: only those added with a line of the learner's code on the stack.
   */
  watchConnection(socket: EventEmitter): void {
    const connection = new RealWeakRef(socket);
    this.connections.add(connection);
    socket.once('close', () => this.connections.delete(connection));
    for (const method of ['on', 'addListener', 'prependListener'] as const) {
      const real = socket[method];
      socket[method] = (event: string | symbol, listener: (...args: unknown[]) => void) => {
        const location = currentLocation(this.learnerFolder);
        if (location) this.added.set(listener, { serial: ++serial, location, madeIn: this.late?.requestNow() });
        return real.call(socket, event, listener);
      };
    }
    this.watchRemovals(socket, (event) => `${CONNECTION_LISTENER} '${String(event)}'`);
  }

  private readonly connections = new Set<WeakRef<EventEmitter>>();

  held(): HeldResource[] {
    const held: HeldResource[] = [...this.removedLate];
    for (const connection of this.connections) {
      const socket = connection.deref();
      if (!socket) continue;
      for (const event of socket.eventNames()) {
        for (const listener of socket.rawListeners(event)) {
          const record = this.added.get(listener);
          if (record) held.push({ key: `#${record.serial}`, what: `${CONNECTION_LISTENER} '${String(event)}'`, location: record.location });
        }
      }
    }
    for (const { name, emitter: ref } of this.emitters) {
      const emitter = ref.deref();
      if (!emitter) continue;
      for (const event of emitter.eventNames()) {
        emitter.rawListeners(event).forEach((listener, index) => {
          const record = this.added.get(listener);
          const what = `listener on ${name} '${String(event)}'`;
          held.push(record ? { key: `#${record.serial}`, what, location: record.location } : { key: `${name} ${String(event)} [${index}]`, what, location: null });
        });
      }
    }
    return held;
  }
}

/** What a withheld clean-up is, as a failing measure lists it beside what stayed. */
export const WITHHELD_CLEANUP = 'clean-up left to a FinalizationRegistry, which the check never runs (JavaScript does not promise a registry ever calls back)';

/**
 * FinalizationRegistry callbacks, withheld. ECMAScript lets an engine never
 * call them, and V8 calls them when a collection happens to find their
 * object unreachable: at once in this small heap, which the check collects
 * before it counts, but minutes later, or never, in a service whose heap is
 * large and calm. A listener, timer or file that only such a callback lets go
 * of would look let go of here and stay held there; so the check runs the
 * server as the language allows, with no callback ever made, and each one
 * that would have run is recorded with the line that registered it.
 * Registering, unregistering and what a registry keeps alive are unchanged.
 */
export class FinalizerRecorder {
  private readonly withheld: HeldResource[] = [];
  /** The learner's registrations whose target is still alive, to let a closed target's clean-up run (see letGoOfClosed). */
  private readonly registered: Array<{ readonly target: WeakRef<WeakKey>; readonly registration: Registration }> = [];
  private readonly targets = new WeakSet<WeakKey>();

  constructor(private readonly learnerFolder: string) {}

  install(): void {
    const recorder = this;
    const Real = globalThis.FinalizationRegistry;
    class FinalizationRegistry<T> extends Real<T> {
      constructor(cleanup: (heldValue: T) => void) {
        if (typeof cleanup !== 'function') throw new TypeError('FinalizationRegistry: cleanup must be callable');
        // The learner's clean-ups are never called, but for a target that had closed (see letGoOfClosed); a library's
        // (one registered with no line of the learner's on the stack, such as fetch's) run as they would.
        super(((registration: Registration) => {
          if (registration.location === null) cleanup(registration.heldValue as T);
          else if (registration.closed && (registration.heldValue !== undefined || !registration.heldRef || registration.heldRef.deref() !== undefined)) {
            cleanup((registration.heldRef?.deref() ?? registration.heldValue) as T);
          } else recorder.withheld.push({ key: `#${registration.serial}`, what: WITHHELD_CLEANUP, location: registration.location });
        }) as unknown as (heldValue: T) => void);
      }

      override register(target: WeakKey, heldValue: T, unregisterToken?: WeakKey): void {
        if (Object.is(target, heldValue)) throw new TypeError('FinalizationRegistry.prototype.register: target and holdings must not be same');
        const location = currentLocation(recorder.learnerFolder);
        // What the learner's would have been given is not kept (an object, weakly): what it holds stays theirs to hold.
        const held = location === null ? { heldValue } : typeof heldValue === 'object' && heldValue !== null ? { heldRef: new RealWeakRef(heldValue as WeakKey) } : typeof heldValue === 'function' ? { heldRef: new RealWeakRef(heldValue as WeakKey) } : { heldValue };
        const registration: Registration = { serial: ++serial, location, closed: false, ...held };
        if (location !== null) {
          recorder.registered.push({ target: new RealWeakRef(target), registration });
          recorder.targets.add(target);
        }
        super.register(target, registration as unknown as T, unregisterToken);
      }
    }
    globalThis.FinalizationRegistry = FinalizationRegistry as FinalizationRegistryConstructor;
  }

  /**
   * Before the heap is read, once every resource is let go of: the clean-up of
   * a target that has closed (a stream, a response, a cleared timer) may run
   * when the collector takes it. Nothing held open waits on it any more, so
   * what it does (forget an entry of a status page) is what the service does
   * whenever its collector comes; what it would let go of that was open, the
   * check has read already.
   */
  letGoOfClosed(): void {
    for (let i = this.registered.length - 1; i >= 0; i--) {
      const { target, registration } = this.registered[i]!;
      const alive = target.deref();
      if (alive === undefined) this.registered.splice(i, 1);
      else if (hasClosed(alive)) {
        registration.closed = true;
        this.registered.splice(i, 1);
      }
    }
  }

  /** Whether the learner's code registered `target` with a registry: its clean-up, not the check, lets go of what tracks it. */
  registers(target: unknown): boolean {
    return typeof target === 'object' && target !== null && this.targets.has(target);
  }

  /** Clean-ups that would have run by now, each with the line that registered it. */
  held(): HeldResource[] {
    return [...this.withheld];
  }
}

interface Registration {
  readonly serial: number;
  readonly location: string | null;
  readonly heldValue?: unknown;
  /** An object the learner's clean-up would be given, held weakly. */
  readonly heldRef?: WeakRef<WeakKey>;
  /** Its target had closed when the check let go of closed targets: its clean-up may run. */
  closed: boolean;
}

/**
 * Whether what a request held open has closed: a stream or a response
 * (`closed`), a FileHandle (no descriptor), a timer cleared or run out.
 * Anything else (an AbortSignal, an emitter of the service's) never is.
 */
export function hasClosed(target: unknown): boolean {
  if (typeof target !== 'object' || target === null) return false;
  const kind = (target as object).constructor?.name;
  if (kind === 'Timeout' || kind === 'Immediate') return (target as { _destroyed?: boolean })._destroyed === true;
  if (kind === 'FileHandle') return (target as { fd?: number }).fd === -1;
  return (target as { closed?: unknown }).closed === true;
}

/** What a kept WeakRef is, as a failing measure lists it beside what stayed. */
export function keptWeakRef(target: string): string {
  return `WeakRef to a request's ${target}, which the check never empties (code that lets go of a file, a timer or a listener once such a WeakRef is empty waits on the collector, which may not come for minutes)`;
}

/**
 * WeakRefs to what a request holds open (a response, a request, a stream, a
 * socket, a FileHandle, an AbortSignal, a Timeout) keep their target in a
 * check: deref() answers it for as long as the WeakRef lives. Code that lets
 * go of a file, a listener or a timer once such a WeakRef is empty waits on
 * the collector, which the check runs before it counts and a service runs
 * when its heap says so: minutes later for an object that reached the old
 * generation, never for a quiet one. ECMAScript allows a WeakRef to keep its
 * target; what is only data (a Buffer in a cache) is left weak.
 */
export class KeptWeakRefs {
  private readonly made: Array<{ readonly serial: number; readonly what: string; readonly location: string | null; readonly ref: WeakRef<object> }> = [];
  /** Lets go of a kept WeakRef's target, if it has closed (set when installed). */
  private letGo: ((ref: object, registered: (target: unknown) => boolean) => boolean) | null = null;

  constructor(private readonly learnerFolder: string) {}

  install(): void {
    const recorder = this;
    const Real = RealWeakRef;
    class WeakRef<T extends WeakKey> extends Real<T> {
      /** The target, held: a heap snapshot's path to it runs through the learner's WeakRef. */
      #kept: T | undefined;

      static {
        recorder.letGo = (ref, registered) => {
          if (!(#kept in ref) || !hasClosed(ref.#kept) || !registered(ref.#kept)) return false;
          ref.#kept = undefined;
          return true;
        };
      }

      constructor(target: T) {
        super(target);
        const kind = heldOpen(target);
        if (!kind) return;
        this.#kept = target;
        recorder.made.push({ serial: ++serial, what: keptWeakRef(kind), location: currentLocation(recorder.learnerFolder), ref: new Real(this) });
      }

      override deref(): T | undefined {
        return this.#kept ?? super.deref();
      }
    }
    Object.defineProperty(WeakRef, 'name', { value: 'WeakRef' });
    globalThis.WeakRef = WeakRef as WeakRefConstructor;
  }

  /**
   * Before the heap is read, once every resource is let go of: a kept WeakRef
   * whose target has closed (a destroyed stream, a closed response, a cleared
   * timer) and that a registry of the learner's watches (`registered`: its
   * clean-up is what forgets the WeakRef, as a status page's Set of them does)
   * is left weak, as the language has it. Nothing held open depends on the
   * collector any more; code that polls it to let go of a file or a timer has
   * been read already, with its WeakRefs kept. One no registry watches stays
   * kept: nothing would forget it once empty (a Set of them pruned only when
   * some event comes grows by one per request).
   */
  letGoOfClosed(registered: (target: unknown) => boolean): void {
    for (let i = this.made.length - 1; i >= 0; i--) {
      const ref = this.made[i]!.ref.deref();
      if (!ref || this.letGo?.(ref, registered)) this.made.splice(i, 1);
    }
  }

  /** The kept WeakRefs still alive (one dropped takes its target with it), each with the line that made it. */
  held(): HeldResource[] {
    for (let i = this.made.length - 1; i >= 0; i--) if (!this.made[i]!.ref.deref()) this.made.splice(i, 1);
    return this.made.map((record) => ({ key: `#${record.serial}`, what: record.what, location: record.location }));
  }
}

/** What a target holds open, by its kind ("ServerResponse", "ReadStream", "Timeout"), or null for data. */
function heldOpen(target: unknown): string | null {
  if (typeof target !== 'object' || target === null) return null;
  const kind = (target as object).constructor?.name || 'object';
  if (target instanceof EventEmitter || target instanceof EventTarget) return kind;
  if (kind === 'Timeout' || kind === 'Immediate') return kind;
  return null;
}
