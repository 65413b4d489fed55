/**
 * Runs inside the server's child process, before the learner's code. It loads
 * server.ts, listens on 127.0.0.1 on a free port (the learner's module only
 * exports its app), and answers the checker's commands over IPC.
 *
 * This module is kept apart from everything the learner writes: its own
 * closures sit on retainer paths only of what it owns (the HTTP server) and
 * of what its recorders watch (the file store's emitter), and a retainer path
 * never starts at its variables (checker/trace.ts).
 */
import fs, { createReadStream } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { highestNodeIdInFile } from './heap-ids.ts';
import { PeakSampler } from './peak-sampler.ts';
import { CreatedFiles, DescriptorRecorder, FinalizerRecorder, KeptWeakRefs, LateReleases, listDescriptors, ListenerRecorder, locationIn, TimerRecorder } from './recorders.ts';
import { installFullDisk } from './full-disk.ts';
import { SlowDisk } from './slow-disk.ts';
import { countCompressionWork, untilSteady } from './steady.ts';
import type { HarnessCommand, HarnessEvent, Probe, StartProblem } from './protocol.ts';
import { RELEASE_WAIT_MS } from './protocol.ts';
const T0=performance.now(); if (process.env.FG_T) process.stderr.write(`T imports done ${Math.round(T0)}\n`);

const serverFile = process.argv[2];
if (!serverFile || !process.send) {
  console.error('harness.ts is started by the checker, with the server file as its argument.');
  process.exit(64);
}

/** The server file's folder: a service may spread over several modules there, all the learner's. */
const learnerFolder = path.dirname(path.resolve(serverFile));

function send(event: HarnessEvent): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(event, undefined, {}, () => resolve());
  });
}

function describe(error: unknown): { message: string; stack?: string } {
  if (error instanceof Error) return { message: `${error.name}: ${error.message}`, stack: error.stack };
  return { message: String(error) };
}

async function fail(problem: StartProblem): Promise<never> {
  await send({ type: 'start-problem', problem });
  process.exit(65);
}

async function crash(reason: 'uncaughtException' | 'unhandledRejection', error: unknown): Promise<void> {
  const { message, stack } = describe(error);
  await send({ type: 'crash', reason, message, location: locationIn(stack, learnerFolder), stack });
  process.exit(70);
}
process.on('uncaughtException', (error) => void crash('uncaughtException', error));
process.on('unhandledRejection', (error) => void crash('unhandledRejection', error));

// The checker's end of the channel closing means the check is over, whatever
// the server is doing (even still loading): listen for it before anything else.
process.on('disconnect', () => process.exit(0));
if (!process.connected) process.exit(0);
// The terminal's Ctrl-C reaches every process of the foreground group, this
// one too: the checker alone decides what an interrupt means (the demo moves
// on to the solution), and ends this process by disconnecting or killing it.
process.on('SIGINT', () => undefined);

// The harness listens, not the learner's module. A listen() from anywhere
// else is recorded and refused, so a server that picks its own port can be
// told so instead of failing with EADDRINUSE or being unreachable.
const realListen = net.Server.prototype.listen;
let harnessListening = false;
/** Servers the module tried to listen with, and the port each asked for. */
const selfListened = new Map<net.Server, string>();
net.Server.prototype.listen = function listen(this: net.Server, ...args: unknown[]) {
  if (harnessListening) return realListen.apply(this, args as Parameters<typeof realListen>);
  const first = args[0];
  selfListened.set(this, typeof first === 'object' && first !== null ? String((first as net.ListenOptions).port ?? '?') : String(first ?? ''));
  return this;
} as typeof realListen;

// Wrapped before the server loads, so that its imports of `fs` see the wrappers; nothing stalls until a check asks.
countCompressionWork();
const slowDisk = new SlowDisk(() => steadyReading());
await slowDisk.install();
installFullDisk();
// The server's own temporary folder, when the check gives it one: os.tmpdir() reads these on every call. Set here, once
// the loader has found its compile cache in the machine's temporary folder, so that the folder holds the server's files only.
if (process.env.FG_TEMP_DIR) for (const name of ['TMPDIR', 'TEMP', 'TMP']) process.env[name] = process.env.FG_TEMP_DIR;
// Recorders go in before the learner's code runs, so that everything it opens, starts and adds is seen being made.
// A check's rules for letting go (see LateReleases, FinalizerRecorder and KeptWeakRefs); the probe's services run as at work.
const strict = process.env.FG_HARNESS_STRICT_RELEASES === '1';
const late = strict ? new LateReleases(RELEASE_WAIT_MS) : undefined;
late?.install();
const descriptors = new DescriptorRecorder(learnerFolder, late);
descriptors.install();
const createdFiles = new CreatedFiles(learnerFolder);
createdFiles.install();
const timers = new TimerRecorder(learnerFolder, late);
timers.install();
const finalizers = new FinalizerRecorder(learnerFolder);
if (strict) finalizers.install();
const weakRefs = new KeptWeakRefs(learnerFolder);
if (strict) weakRefs.install();
// The storage module the services share, loaded through the same specifier as
// server.ts so both see one instance (its counters and emitters).
if (process.env.FG_T) process.stderr.write(`T before storage ${Math.round(performance.now())}\n`);
const storage = await import('#service/storage');
if (process.env.FG_T) process.stderr.write(`T after storage ${Math.round(performance.now())}\n`);
const listeners = new ListenerRecorder(learnerFolder, late);
listeners.watch('fileEvents', storage.fileEvents);
// And every emitter the learner's code makes: a listener per request on one of its own stays as surely.
listeners.watchEmittersOfTheLearner();

/** Names a module conventionally gives a function that builds its app or server. */
const FACTORY_NAMES = ['createApp', 'createServer', 'buildApp', 'build', 'makeApp', 'makeServer', 'getApp'];

/**
 * The HTTP server to listen with, from what the module exports, in the shapes
 * real services have: an http.Server (listening already or not), an Express
 * app or any request listener, a Koa app (`app.callback()`), a Fastify
 * instance (`await app.ready()`, then `app.server`), or a factory of one of
 * these that takes no arguments (default export or a conventional name).
 */
async function serverOf(exports: Record<string, unknown>): Promise<http.Server | null> {
  const candidates = [exports.default, exports.app, exports.server, ...FACTORY_NAMES.map((name) => exports[name])];
  for (const candidate of candidates) {
    const found = await fromValue(candidate, true);
    if (found) return found;
  }
  return null;
}

async function fromValue(value: unknown, mayCall: boolean): Promise<http.Server | null> {
  if (value instanceof Promise) return fromValue(await value, mayCall);
  if (value instanceof http.Server) return value;
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return null;
  const object = value as { callback?: unknown; ready?: unknown; server?: unknown; handle?: unknown; default?: unknown };
  // Koa: an object whose callback() is the request listener.
  if (typeof object.callback === 'function' && typeof value === 'object') return http.createServer((object.callback as () => http.RequestListener).call(value));
  // Fastify: ready() loads its plugins; its own http.Server then routes requests.
  if (typeof object.ready === 'function' && object.server instanceof http.Server) {
    await (object.ready as () => Promise<unknown>).call(value);
    return object.server;
  }
  if (typeof value === 'function') {
    // An Express app, or any (req, res) listener, takes the request; a factory takes nothing.
    const isListener = value.length >= 2 || typeof object.handle === 'function';
    if (isListener) return http.createServer(value as http.RequestListener);
    if (mayCall) return fromValue((value as () => unknown)(), false);
  }
  // A CommonJS module imported from ESM may arrive wrapped once more.
  if (mayCall && object.default !== undefined) return fromValue(object.default, true);
  return null;
}


/**
 * A client that hangs up while its handler still awaits the file store (a
 * stat, an open, a whole read) must find the handler's clean-up in place when
 * the await returns. On a fast machine that window is microseconds wide, so
 * the checker does not race it: while a hold is on, the file-system calls on
 * stored files and uploads run but their results are kept back until the
 * checker releases them, after the client has hung up and the server has seen
 * it. The open a stream makes on its own to read a stored file (after the
 * handler's last await) is held the same way, and so is the creation of the
 * uploads folder before an upload is written. Wrapped before the learner's
 * module loads, so its imports see the wrappers too.
 */
const fileHold = {
  on: false,
  /** Calls let through before the hold keeps one back, so a check can hang up at each of a handler's awaits in turn. */
  skip: 0,
  /** Whether the hold waits for a stream's read instead of the first call: a handler that streams has its hang-up listeners in place by then. */
  streamReads: false,
  /**
   * Whether a handler that has run and now waits for its request's body,
   * with no call kept back and none let through still running, ends the hold
   * (an upload's handler may read no file before the body comes).
   */
  untilHandlerWaits: false,
  /** Calls let through (skipped) that have not completed yet. */
  inFlight: 0,
  parked: [] as Array<() => void>,
  /** What the hold saw first: the call it keeps back ("stat video-1.mp4"), or null for a response that closed without one. */
  outcome: undefined as string | null | undefined,
  /** Responses to requests that arrived while the hold was on. */
  responses: new Set<http.ServerResponse>(),
  waiters: [] as Array<(held: string | null) => void>,
};

function settleHold(outcome: string | null): void {
  fileHold.outcome ??= outcome;
  for (const resolve of fileHold.waiters.splice(0)) resolve(fileHold.outcome);
}

/** A stored file or upload, or one of their folders (a handler that lists the uploads). */
function underHeldFolder(target: unknown): boolean {
  if (typeof target !== 'string') return false;
  const resolved = path.resolve(target);
  return [storage.FILES_DIR, storage.UPLOADS_DIR].some((folder) => resolved === path.resolve(folder) || resolved.startsWith(path.resolve(folder) + path.sep));
}

/**
 * With `untilHandlerWaits`, once nothing the handler started is still running
 * and a turn of the event loop has passed (its awaits on settled promises and
 * its synchronous calls are done), a handler that keeps nothing back is
 * waiting for its body: the hold ends with null.
 */
function endHoldIfHandlerWaits(): void {
  if (!fileHold.on || !fileHold.untilHandlerWaits || fileHold.inFlight > 0) return;
  setImmediate(() => {
    if (fileHold.on && fileHold.inFlight === 0) settleHold(null);
  });
}

/**
 * A disk that gives a download its file's first bytes only, until the server
 * has sent some of its own: while it is on, reads of a stored file past
 * `afterBytes` (counted per descriptor) and whole reads of a larger one
 * (readFile) wait until a response sends body bytes. A server that streams
 * sends its first bytes having read a few chunks; one that needs the whole
 * file before it answers (to compress it in one go, to learn its compressed
 * length) waits on the disk with nothing sent, on every machine.
 */
const firstBytesHold = {
  on: false,
  afterBytes: 0,
  readByDescriptor: new Map<number, number>(),
  parked: [] as Array<() => void>,
  /** The first call kept waiting: "readFile access-log.csv at scenarios/11-gzip-downloads/server.ts:31:30". */
  waitedOn: null as string | null,
  /** A response sent body bytes, or closed without any (nothing to wait for then). */
  sent: false,
  wake: [] as Array<() => void>,
};

function firstBytesWait(call: string, release: () => void): void {
  firstBytesHold.waitedOn ??= call;
  firstBytesHold.parked.push(release);
  for (const wake of firstBytesHold.wake.splice(0)) wake();
}

/** "a read of access-log.csv past its first 4 MiB, the file opened at scenarios/11-gzip-downloads/server.ts:20:22" */
function readPastFirstBytes(fd: number, file: string): string {
  const openedAt = descriptors.openedAt(fd);
  return `a read of ${file} past its first ${firstBytesHold.afterBytes / (1024 * 1024)} MiB${openedAt ? `, the file opened at ${openedAt}` : ''}`;
}

function firstBytesSent(): void {
  firstBytesHold.sent = true;
  for (const wake of firstBytesHold.wake.splice(0)) wake();
}

function firstBytesNews(): Promise<void> {
  return new Promise((resolve) => firstBytesHold.wake.push(resolve));
}

/**
 * Resolves with the call the server waited on with nothing sent, once it has done all it can without it (null
 * when it sent its first bytes first), then lets the disk answer everything.
 */
async function untilFirstBytes(): Promise<string | null> {
  while (firstBytesHold.on && !firstBytesHold.sent && firstBytesHold.parked.length === 0) await firstBytesNews();
  if (firstBytesHold.on && !firstBytesHold.sent) {
    const sent = (async () => {
      while (!firstBytesHold.sent) await firstBytesNews();
    })();
    // Once first bytes are out the wait is over: the state watched for steadiness no longer counts the responses.
    await Promise.race([untilSteady({ responses: () => (firstBytesHold.sent ? [] : openResponses), bytesHeld: () => slowDisk.bytesHeld }), sent]);
  }
  const waitedOn = firstBytesHold.sent ? null : firstBytesHold.waitedOn;
  firstBytesHold.on = false;
  firstBytesHold.waitedOn = null;
  firstBytesHold.readByDescriptor.clear();
  firstBytesSent();
  for (const release of firstBytesHold.parked.splice(0)) release();
  return waitedOn;
}

for (const name of ['open', 'stat', 'lstat', 'access', 'readdir', 'readFile', 'mkdir'] as const) {
  const real = fs.promises[name] as (...args: unknown[]) => Promise<unknown>;
  (fs.promises as unknown as Record<string, unknown>)[name] = function heldUntilReleased(...args: unknown[]): Promise<unknown> {
    const opened = real.apply(fs.promises, args);
    // A FileHandle's reads meet the same disk as fs.read's (streams by path): the holds and the reads after a hang-up.
    const result = name === 'open' ? opened.then((handle) => diskForHandle(handle as fs.promises.FileHandle, args[0], args[1])) : opened;
    if (name === 'readFile' && firstBytesHold.on && underHeldFolder(args[0])) {
      const call = `readFile ${path.basename(args[0] as string)}`;
      const location = locationIn(new Error().stack, learnerFolder);
      return result.then((data) =>
        firstBytesHold.on && (data as Buffer).length > firstBytesHold.afterBytes
          ? new Promise((resolve) => firstBytesWait(location ? `${call} at ${location}` : call, () => resolve(data)))
          : data,
      );
    }
    if (!fileHold.on || fileHold.streamReads || !underHeldFolder(args[0])) return result;
    if (fileHold.skip > 0) {
      fileHold.skip -= 1;
      fileHold.inFlight += 1;
      const counted = () => {
        fileHold.inFlight -= 1;
        endHoldIfHandlerWaits();
      };
      result.then(counted, counted);
      return result;
    }
    // A failure (no such file) is the handler's to see after the release, not an unhandled rejection now.
    result.catch(() => undefined);
    const released = new Promise<void>((resolve) => fileHold.parked.push(resolve));
    settleHold(`${name} ${path.basename(args[0] as string)}`);
    return released.then(() => result);
  };
}

/**
 * The hold for an open a stream makes to read a stored file or upload (createReadStream opens its file on its own,
 * after the handler's last await): kept back, or let through and counted, as the calls above are. Null when the
 * hold leaves it alone; else a function that hands the result back, at once or after the release.
 */
function holdStreamOpen(file: string, flags: unknown): ((deliver: () => void) => void) | null {
  const reading = flags === undefined || flags === 'r' || flags === fs.constants.O_RDONLY;
  if (!fileHold.on || fileHold.streamReads || !reading || !underHeldFolder(file)) return null;
  if (fileHold.skip > 0) {
    fileHold.skip -= 1;
    fileHold.inFlight += 1;
    return (deliver) => {
      fileHold.inFlight -= 1;
      deliver();
      endHoldIfHandlerWaits();
    };
  }
  const released = new Promise<void>((resolve) => fileHold.parked.push(resolve));
  settleHold(`open ${path.basename(file)}`);
  return (deliver) => void released.then(deliver);
}

/**
 * The check's disk does what it is asked of one file in the order it was asked: a creation (an open to write, as a
 * write stream makes on its own, unawaited) waits for a removal (rm, unlink) of the same path asked before it, and a
 * removal for a creation. A handler that removes its partial file before its write stream has even asked to create it
 * (a client that hung up at once) finds nothing to remove, and the file is made after: on every machine, not only when
 * the thread pool happens to run the removal first. One that removes it after the stream asked removes what was made.
 * Each kind waits only for the other, never for its own: rm removes through unlink.
 */
const inFlightOn = { create: new Map<string, Promise<void>>(), remove: new Map<string, Promise<void>>() };

/**
 * Run `call` once the last operation of the other kind asked of `file` has answered (at once, as it was, when none is
 * in flight); it calls `answered` when it has.
 */
function inOrderOn(kind: 'create' | 'remove', file: unknown, call: (answered: () => void) => void): void {
  const key = pathKey(file);
  const before = inFlightOn[kind === 'create' ? 'remove' : 'create'].get(key);
  const mine = inFlightOn[kind];
  let settle!: () => void;
  const pending = new Promise<void>((resolve) => (settle = resolve));
  mine.set(key, pending);
  const answered = (): void => {
    if (mine.get(key) === pending) mine.delete(key);
    settle();
  };
  if (before) void before.then(() => call(answered));
  else call(answered);
}

/** Paths whose removal was asked since they were last created; and paths created after such a removal, not removed since. */
const removalAsked = new Set<string>();
const madeAfterRemoval = new Set<string>();

function noteRemoval(file: unknown): void {
  const key = pathKey(file);
  removalAsked.add(key);
  madeAfterRemoval.delete(key);
}

function noteCreated(file: unknown): void {
  const key = pathKey(file);
  if (removalAsked.delete(key)) madeAfterRemoval.add(key);
}

/** A path as a string or file URL, absolute: the key of one file on the check's disk. */
function pathKey(file: unknown): string {
  return path.resolve(file instanceof URL ? fileURLToPath(file) : String(file));
}

function createsFile(flags: unknown): boolean {
  return typeof flags === 'string' ? /[wa]/.test(flags) : typeof flags === 'number' && (flags & fs.constants.O_CREAT) !== 0;
}

for (const name of ['rm', 'unlink'] as const) {
  const real = fs.promises[name] as (...args: unknown[]) => Promise<unknown>;
  (fs.promises as unknown as Record<string, unknown>)[name] = function inOrder(...args: unknown[]): Promise<unknown> {
    if (typeof args[0] !== 'string' && !(args[0] instanceof URL)) return real.apply(fs.promises, args);
    noteRemoval(args[0]);
    return new Promise((resolve, reject) =>
      inOrderOn('remove', args[0], (answered) => {
        const result = real.apply(fs.promises, args);
        result.then(answered, answered);
        result.then(resolve, reject);
      }),
    );
  };
  const realCallback = fs[name] as (...args: unknown[]) => void;
  (fs as unknown as Record<string, unknown>)[name] = function inOrder(...args: unknown[]): void {
    const callback = args.at(-1);
    if ((typeof args[0] !== 'string' && !(args[0] instanceof URL)) || typeof callback !== 'function') return realCallback.apply(fs, args);
    noteRemoval(args[0]);
    inOrderOn('remove', args[0], (answered) =>
      realCallback.apply(fs, [
        ...args.slice(0, -1),
        (...results: unknown[]) => {
          answered();
          (callback as (...results: unknown[]) => void)(...results);
        },
      ]),
    );
  };
}

/** Stored files and uploads open for reading through fs.open (as streams open them), by descriptor. */
const storedDescriptors = new Map<number, string>();

/** A number a closed file had may come back for another file: the open that gets it decides. */
function noteOpened(file: fs.PathLike, error: NodeJS.ErrnoException | null, fd: number | undefined): void {
  if (error || fd === undefined) return;
  readsAfterHangUp.delete(fd);
  if (underHeldFolder(String(file))) storedDescriptors.set(fd, path.basename(String(file)));
  else storedDescriptors.delete(fd);
}
const realOpen = fs.open;
fs.open = function open(file: fs.PathLike, ...rest: unknown[]) {
  // A call without a callback is Node's to refuse, as it would without the harness.
  if (typeof rest.at(-1) !== 'function') return (realOpen as (...args: unknown[]) => void).call(fs, file, ...rest);
  const callback = rest.pop() as (error: NodeJS.ErrnoException | null, fd?: number) => void;
  if (createsFile(rest[0]) && (typeof file === 'string' || file instanceof URL)) {
    inOrderOn('create', file, (answered) =>
      (realOpen as (...args: unknown[]) => void).call(fs, file, ...rest, (error: NodeJS.ErrnoException | null, fd?: number) => {
        answered();
        if (!error) noteCreated(file);
        noteOpened(file, error, fd);
        callback(error, fd);
      }),
    );
    return;
  }
  const held = holdStreamOpen(String(file), rest[0]);
  return (realOpen as (...args: unknown[]) => void).call(fs, file, ...rest, (error: NodeJS.ErrnoException | null, fd?: number) => {
    noteOpened(file, error, fd);
    if (held) held(() => callback(error, fd));
    else callback(error, fd);
  });
} as typeof fs.open;
/**
 * A disk that answers last the reads of a download whose client has gone: a
 * read of a stored file asked for after the response of the request that
 * opened it closed is never answered while the check runs. A server that
 * stops reading when its client hangs up asks for none; one that reads on for
 * nobody (to let the stream reach its end and close itself) keeps its file
 * open on every machine, not only on one whose disk is slower than the check.
 */
let readsAfterHangUpLast = false;
/**
 * Reads answered after a hang-up, by descriptor: a stream that is paused or
 * about to be destroyed (a clean-up batched for a moment) fills its buffer
 * with a read or two; one that reads on for nobody asks for hundreds.
 */
const READS_ANSWERED_AFTER_HANG_UP = 8;
const readsAfterHangUp = new Map<number, number>();
const realRead = fs.read;
fs.read = function read(fd: number, ...rest: unknown[]) {
  const file = storedDescriptors.get(fd);
  if (firstBytesHold.on && file !== undefined && typeof rest.at(-1) === 'function') {
    const bytesRead = firstBytesHold.readByDescriptor.get(fd) ?? 0;
    if (bytesRead >= firstBytesHold.afterBytes) {
      firstBytesWait(readPastFirstBytes(fd, file), () => read(fd, ...rest));
      return;
    }
    const callback = rest.pop() as (error: Error | null, bytes?: number, ...results: unknown[]) => void;
    rest.push((error: Error | null, bytes?: number, ...results: unknown[]) => {
      firstBytesHold.readByDescriptor.set(fd, (firstBytesHold.readByDescriptor.get(fd) ?? 0) + (bytes ?? 0));
      callback(error, bytes, ...results);
    });
  }
  if (readsAfterHangUpLast && file !== undefined && typeof rest.at(-1) === 'function' && descriptors.openedIn(fd)?.ended !== undefined) {
    const answered = readsAfterHangUp.get(fd) ?? 0;
    if (answered >= READS_ANSWERED_AFTER_HANG_UP) {
      descriptors.noteOpen(fd, ` (read on after its client had gone: the check answers a download's reads after the first ${READS_ANSWERED_AFTER_HANG_UP} past its hang-up last, as a busy disk would)`);
      return;
    }
    readsAfterHangUp.set(fd, answered + 1);
  }
  if (!fileHold.on || !fileHold.streamReads || file === undefined || typeof rest.at(-1) !== 'function') return (realRead as (...args: unknown[]) => void).call(fs, fd, ...rest);
  const callback = rest.pop() as (...results: unknown[]) => void;
  const released = new Promise<void>((resolve) => fileHold.parked.push(resolve));
  settleHold(`read ${file}`);
  return (realRead as (...args: unknown[]) => void).call(fs, fd, ...rest, (...results: unknown[]) => void released.then(() => callback(...results)));
} as typeof fs.read;

/**
 * A FileHandle of a stored file opened for reading, its reads given the disk
 * fs.read has above (a read loop on the handle, or a stream or web stream made
 * from it): held past the first bytes until a response sent some, held while
 * the check holds stream reads, and after its client has gone answered last.
 * read is each FileHandle's own property, as close is: wrapped on each.
 */
/** The FileHandle reads after a hang-up the disk has not answered: the handles they were asked on stay reachable. */
const readsForNobody: Array<{ handle: fs.promises.FileHandle; resolve: (value: never) => void }> = [];

function diskForHandle(handle: fs.promises.FileHandle, file: unknown, flags: unknown): fs.promises.FileHandle {
  const reading = flags === undefined || flags === 'r' || flags === fs.constants.O_RDONLY;
  if (!reading || !underHeldFolder(file)) return handle;
  const fd = handle.fd;
  const name = path.basename(String(file));
  readsAfterHangUp.delete(fd);
  const realHandleRead = handle.read;
  handle.read = async function read(this: fs.promises.FileHandle, ...args: unknown[]) {
    while (firstBytesHold.on && (firstBytesHold.readByDescriptor.get(fd) ?? 0) >= firstBytesHold.afterBytes) {
      await new Promise<void>((resolve) => firstBytesWait(readPastFirstBytes(fd, name), resolve));
    }
    if (readsAfterHangUpLast && descriptors.openedIn(fd)?.ended !== undefined) {
      const answered = readsAfterHangUp.get(fd) ?? 0;
      if (answered >= READS_ANSWERED_AFTER_HANG_UP) {
        descriptors.noteOpen(fd, ` (read on after its client had gone: the check answers a download's reads after the first ${READS_ANSWERED_AFTER_HANG_UP} past its hang-up last, as a busy disk would)`);
        // Kept, as a disk's queue keeps what it has yet to answer: the handle stays open, not collected.
        return new Promise<never>((resolve) => void readsForNobody.push({ handle, resolve }));
      }
      readsAfterHangUp.set(fd, answered + 1);
    }
    const result = (realHandleRead as (...args: unknown[]) => Promise<fs.promises.FileReadResult<NodeJS.ArrayBufferView>>).apply(this, args);
    if (fileHold.on && fileHold.streamReads) {
      result.catch(() => undefined);
      const released = new Promise<void>((resolve) => fileHold.parked.push(resolve));
      settleHold(`read ${name}`);
      await released;
    }
    const done = await result;
    if (firstBytesHold.on) firstBytesHold.readByDescriptor.set(fd, (firstBytesHold.readByDescriptor.get(fd) ?? 0) + done.bytesRead);
    return done;
  } as typeof handle.read;
  return handle;
}

syncBuiltinESMExports();

// Watch mode starts the next check's harness while the learner is still editing: it loads all of the above (and
// Express, which the scenarios' servers import) and waits, so that the server file it loads is the one saved last.
if (process.env.FG_HARNESS_STANDBY === '1') {
  await import('express').catch(() => undefined);
  const load = new Promise<void>((resolve) => {
    const onMessage = (message: unknown): void => {
      if (message !== 'load') return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
  });
  await send({ type: 'standing-by' });
  await load;
}

let module: Record<string, unknown>;
if (process.env.FG_T) process.stderr.write(`T before server ${Math.round(performance.now())}\n`);
try {
  module = (await import(pathToFileURL(serverFile).href)) as Record<string, unknown>;
} catch (error) {
  const { message, stack } = describe(error);
  await fail({ kind: 'import-failed', message, location: locationIn(stack, learnerFolder) });
}
let served: http.Server | null = null;
if (process.env.FG_T) process.stderr.write(`T server imported ${Math.round(performance.now())}\n`);
try {
  served = await serverOf(module!);
} catch (error) {
  const { message, stack } = describe(error);
  await fail({ kind: 'import-failed', message, location: locationIn(stack, learnerFolder) });
}
if (!served) await fail({ kind: 'no-export', exported: Object.keys(module!) });
const server = served!;
// A module may start its own server when it is loaded, if that is the server it exports: the harness listens with it instead.
const elsewhere = [...selfListened].find(([listened]) => listened !== server);
if (elsewhere) await fail({ kind: 'self-listen', port: elsewhere[1] });

const openSockets = new Set<net.Socket>();
/** Requests on each socket whose response has not closed yet. */
const requestsInFlight = new Map<net.Socket, number>();
/** Sockets whose client asked to keep them open after the response (Connection: keep-alive), as browsers do. */
const keptAlive = new WeakSet<net.Socket>();
server.on('connection', (socket) => {
  openSockets.add(socket);
  listeners.watchConnection(socket);
  socket.once('close', () => {
    openSockets.delete(socket);
    requestsInFlight.delete(socket);
    wakeSettle();
  });
});
/** The descriptors of the client connections open now. */
function connectionDescriptors(): Set<number> {
  const fds = new Set<number>();
  for (const socket of openSockets) {
    const fd = (socket as net.Socket & { _handle?: { fd?: number } })._handle?.fd;
    if (typeof fd === 'number' && fd >= 0) fds.add(fd);
  }
  return fds;
}
const settleWaiters: Array<() => void> = [];
function wakeSettle(): void {
  for (const resolve of settleWaiters.splice(0)) resolve();
}
/**
 * Connections the server still works on: every open one, except those a
 * keep-alive client holds open with nothing in flight. The client keeps them
 * open on purpose, as a browser does between requests; what the server
 * cleans up only when a connection closes is still held then.
 */
function busyConnections(): number {
  let busy = 0;
  for (const socket of openSockets) if (!keptAlive.has(socket) || (requestsInFlight.get(socket) ?? 0) > 0) busy++;
  return busy;
}

// Each request's handler in a span of its own, to tell a release by a later request (see LateReleases).
late?.spanRequests(server);

// Responses in flight, for the bytes written to them that no client has taken yet.
const openResponses = new Set<http.ServerResponse>();
server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
  const socket = request.socket;
  requestsInFlight.set(socket, (requestsInFlight.get(socket) ?? 0) + 1);
  if (request.headers.connection?.toLowerCase() === 'keep-alive') keptAlive.add(socket);
  else keptAlive.delete(socket);
  response.once('close', () => {
    if (requestsInFlight.has(socket)) requestsInFlight.set(socket, requestsInFlight.get(socket)! - 1);
    wakeSettle();
  });
  openResponses.add(response);
  if (firstBytesHold.on) {
    // Body bytes, through write() or end(), whoever calls them (pipe, pipeline, a web stream's writer).
    const { write, end } = response;
    const sends = (chunk: unknown): void => {
      if (firstBytesHold.on && chunk !== undefined && chunk !== null && typeof chunk !== 'function' && (chunk as { length?: number }).length !== 0) firstBytesSent();
    };
    response.write = function (this: http.ServerResponse, chunk: unknown, ...rest: unknown[]) {
      sends(chunk);
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof response.write;
    response.end = function (this: http.ServerResponse, chunk?: unknown, ...rest: unknown[]) {
      sends(chunk);
      return (end as (...args: unknown[]) => http.ServerResponse).call(this, chunk, ...rest);
    } as typeof response.end;
    // A response that closes without a byte (an error, a client gone) leaves nothing to wait for.
    response.once('close', () => firstBytesHold.on && firstBytesSent());
  }
  if (fileHold.on) {
    fileHold.responses.add(response);
    for (const resolve of requestArrived.splice(0)) resolve();
    // A handler that answers without touching a stored file has nothing to hold.
    response.once('close', () => settleHold(null));
    endHoldIfHandlerWaits();
  }
  response.once('close', () => openResponses.delete(response));
});

/**
 * Once `count` requests have come while the hold is on, and each handler has gone as far as it can without the disk
 * (its call kept back, or waiting on another handler's read), resolve: misses of one file that overlap, on a fast
 * machine as on a slow one.
 */
async function requestsHeld(count: number): Promise<void> {
  while (fileHold.responses.size < count) await new Promise<void>((resolve) => requestArrived.push(resolve));
  await fileSystemWorkDone();
  for (let i = 0; i < 3; i++) await nextTurn();
}
const requestArrived: Array<() => void> = [];

/** The call the held request's handler awaits ("readFile video-1.mp4"), or null if it answered without one. */
function fileSystemHeld(): Promise<string | null> {
  if (fileHold.outcome !== undefined) return Promise.resolve(fileHold.outcome);
  return new Promise((resolve) => fileHold.waiters.push(resolve));
}

/**
 * Once every response the hold saw has closed (the server has seen its client hang up), and the server's own
 * handlers of that hang-up have run and their file work is done (an rm of a partial file, a close), hand the kept
 * results back: the slow call answers last, as a busy disk's does. The same order on every machine, whichever of
 * the thread pool's calls would have ended first.
 */
async function releaseFileSystem(together: boolean): Promise<void> {
  if (!together) {
    await Promise.all(
      [...fileHold.responses].filter((response) => !response.closed).map((response) => new Promise((resolve) => response.once('close', resolve))),
    );
  }
  await nextTurn();
  await fileSystemWorkDone();
  fileHold.on = false;
  fileHold.skip = 0;
  fileHold.streamReads = false;
  fileHold.untilHandlerWaits = false;
  fileHold.inFlight = 0;
  fileHold.outcome = undefined;
  fileHold.responses.clear();
  for (const release of fileHold.parked.splice(0)) release();
}

/**
 * Bytes the server has written and its clients have not read yet: each
 * socket's write buffer, plus what responses hold before it reaches their
 * socket (a response's writableLength counts its socket's buffer too).
 */
function bufferedBytes(): number {
  let bytes = 0;
  for (const socket of openSockets) bytes += socket.writableLength;
  for (const response of openResponses) bytes += Math.max(0, response.writableLength - (response.socket?.writableLength ?? 0));
  return bytes;
}

function countActive(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

function collectGarbage(): void {
  // Two passes: the first may only queue finalizers (weak callbacks) whose
  // objects the second can then free.
  global.gc!();
  global.gc!();
}

const sampler = new PeakSampler({ bufferedBytes, collectGarbage });

/** Wait until the server has done all it can without its slow client or disk, and read its memory then. */
async function steadyReading(): Promise<boolean> {
  const steady = await untilSteady({ responses: () => openResponses, bytesHeld: () => slowDisk.bytesHeld, bytesQueued: bufferedBytes });
  sampler.sampleCollected();
  return steady;
}

/** The JS heap's large objects (V8's old and young large-object spaces; code has a space of its own, left out). */
function largeObjects(): number {
  let bytes = 0;
  for (const space of v8.getHeapSpaceStatistics()) {
    if (space.space_name === 'large_object_space' || space.space_name === 'new_large_object_space') bytes += space.space_used_size;
  }
  return bytes;
}

function probe(): Probe {
  return {
    memory: process.memoryUsage(),
    largeObjects: largeObjects(),
    resources: { active: countActive(), fileDescriptors: listDescriptors()?.open.size ?? null },
    openConnections: busyConnections(),
    storage: { ...storage.storageStats },
    held: { descriptors: descriptors.held(connectionDescriptors()), timers: timers.held(), listeners: listeners.held(), finalizers: finalizers.held(), weakRefs: weakRefs.held() },
    createdFiles: createdFiles.left(),
    createdFolders: createdFiles.foldersLeft(),
    madeAfterRemoval: [...madeAfterRemoval],
    writeStreams: createdFiles.writeStreamsAlive(collectGarbage),
  };
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** File system requests in flight (opens, closes, writes, removals): the work handlers still do after their connection closed. */
function fileSystemRequestsInFlight(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind.startsWith('FSReq')).length;
}

/**
 * A handler whose client hung up may still be cleaning up (closing its file,
 * removing a partial upload) and holds its request until it is done: wait for
 * that work, on a busy machine too, but never for a server that never ends it.
 */
async function fileSystemWorkDone(): Promise<void> {
  const deadline = performance.now() + FILE_WORK_WAIT_MS;
  while (fileSystemRequestsInFlight() > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}
const FILE_WORK_WAIT_MS = 2_000;

async function settle(): Promise<void> {
  while (busyConnections() > 0) await new Promise<void>((resolve) => settleWaiters.push(resolve));
  await fileSystemWorkDone();
  // Let callbacks queued by the last close (stream teardown, fs closes) run.
  for (let i = 0; i < 3; i++) await nextTurn();
  collectGarbage();
}

/**
 * Once the resources are read, before the heap is: the WeakRefs a check keeps
 * full let go of what has closed and a registry of the learner's watches, and
 * that registry's clean-ups run when the collector takes it (see KeptWeakRefs,
 * FinalizerRecorder).
 */
async function letGoOfClosed(): Promise<void> {
  weakRefs.letGoOfClosed((target) => finalizers.registers(target));
  finalizers.letGoOfClosed();
  // What deref() answered stays alive until the turn ends: collect in the next one. A registry's clean-ups then run in a
  // task of their own after the collection.
  await nextTurn();
  collectGarbage();
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    await nextTurn();
  }
}

/**
 * Have V8 number every object alive now, and answer the highest number: the
 * snapshot is written to `file` and only its ids column read back, with one
 * buffer, so that nothing of it stays in the server's memory (a peak measure
 * starts from this memory). Deleted once read, unless the learner keeps it.
 */
function numberHeap(file: string, keep: boolean): number {
  v8.writeHeapSnapshot(file);
  try {
    return highestNodeIdInFile(file);
  } finally {
    if (!keep) fs.rmSync(file, { force: true });
  }
}

async function run(command: HarnessCommand): Promise<unknown> {
  switch (command.type) {
    case 'snapshot':
      if (command.letGoOfClosed && strict) await letGoOfClosed();
      collectGarbage();
      return v8.writeHeapSnapshot(command.file);
    case 'number-heap':
      collectGarbage();
      return numberHeap(command.file, command.keep);
    case 'gc':
      collectGarbage();
      return null;
    case 'probe':
      return probe();
    case 'settle':
      await settle();
      return null;
    case 'emit-file-changed':
      storage.fileEvents.emit('changed', command.name);
      return null;
    case 'start-sampling':
      sampler.start(command.intervalMs);
      return null;
    case 'stop-sampling':
      return sampler.stop();
    case 'until-steady':
      return steadyReading();
    case 'slow-disk':
      // Every file the server writes, wherever it is: the uploads folder, its temporary folder (the check gives it one of
      // its own), a spool folder beside it or in its working folder. A disk is slow for all of them.
      slowDisk.stall([...new Set([storage.UPLOADS_DIR, os.tmpdir(), process.cwd(), learnerFolder].map((folder) => path.parse(path.resolve(folder)).root))], command.stallEveryBytes);
      return null;
    case 'fast-disk':
      slowDisk.stop();
      return null;
    case 'reads-after-hang-up-last':
      readsAfterHangUpLast = true;
      return null;
    case 'hold-file-system':
      fileHold.on = true;
      fileHold.skip = command.skip ?? 0;
      fileHold.untilHandlerWaits = command.untilHandlerWaits ?? false;
      return null;
    case 'hold-stream-reads':
      fileHold.on = true;
      fileHold.streamReads = true;
      return null;
    case 'first-bytes-hold':
      firstBytesHold.on = true;
      firstBytesHold.sent = false;
      firstBytesHold.afterBytes = command.afterBytes;
      return null;
    case 'until-first-bytes':
      return untilFirstBytes();
    case 'file-system-held':
      return fileSystemHeld();
    case 'requests-held':
      await requestsHeld(command.count);
      return null;
    case 'release-file-system':
      await releaseFileSystem(command.together ?? false);
      return null;
  }
}

process.on('message', (message: { id: number; command: HarnessCommand }) => {
  run(message.command).then(
    (value) => send({ type: 'reply', id: message.id, ok: true, value }),
    (error: unknown) => send({ type: 'reply', id: message.id, ok: false, message: describe(error).message }),
  );
});

harnessListening = true;
server.on('error', (error) => void crash('uncaughtException', error));
// An idle keep-alive connection stays open until its client closes it, however long the check takes on a busy machine:
// the server's own 5 s timeout closing it would make a verdict depend on the machine's speed.
server.keepAliveTimeout = 0;
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as net.AddressInfo;
  if (process.env.FG_T) process.stderr.write(`T ready ${Math.round(performance.now())}\n`);
  void send({ type: 'ready', port: address.port });
});
