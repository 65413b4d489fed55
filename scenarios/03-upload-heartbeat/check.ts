/**
 * Scenario 03's check. Traffic: photo uploads, some complete (some over a
 * connection the app keeps open) and some whose connection drops halfway, as on a phone;
 * two the disk refuses to store (it is full for them; the phone of the second pauses
 * halfway until the app shows its progress, so it outlasts a heartbeat), a photo sent again while its
 * first attempt is still open, and phones that lose their signal right after the headers
 * (at each await of the handler on the file store before the body, if it has any), and videos
 * announced above the limit (413), whose phones hang up. What must not stay: the progress
 * timers of finished and dropped uploads, the bytes their closures keep, their names
 * (a Map that keeps a progress entry per upload name, or a Set of the names of uploads
 * that are over, or a Map of a number or a flag per name, grows with every photo), the
 * functions made for them (a listener on an emitter of the service's own), any record the module-level state gained
 * for them (progress by an attempt's id, a Set of uploads in flight), nor (guards)
 * listeners on the connection the app keeps open and the files of dropped uploads.
 * Contract: a complete upload is stored byte-exact and answered 201 with its
 * hash; progress is reported while an upload runs, and no longer once it is
 * over, finished or dropped; nothing of an upload that never arrived whole stays in the uploads folder (a partial
 * file); oversized and unnamed uploads are refused.
 */
import type { IHeapEdge, IHeapNode } from '@memlab/core';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { generateBytes, sha256 } from '../../checker/fixtures.ts';
import { FULL_DISK_PREFIX } from '../../checker/full-disk.ts';
import { connectionListeners, liveTimers, openDescriptors } from '../../checker/instruments.ts';
import { arrayBuffers, closuresOfTheService, recordsKeptByModuleState, keptByTheChecker } from '../../checker/select.ts';
import { CouldNotCheck } from '../../checker/errors.ts';
import { maxHangUpAttempts, type HttpClient, type Response } from '../../checker/traffic.ts';
import type { CheckContext, CheckSpec, HeapSelector } from '../../checker/types.ts';

const MiB = 1024 * 1024;
const PHOTO_BYTES = 3 * MiB;

function photo(index: number): { name: string; body: Buffer } {
  const name = `upload-${index}.jpg`;
  return { name, body: generateBytes(name, PHOTO_BYTES) };
}

const DROPPED = Array.from({ length: 8 }, (_, index) => index);

function droppedName(index: number): string {
  return `dropped-${index}.jpg`;
}

async function upload(context: CheckContext, index: number, client: Pick<HttpClient, 'request'> = context.http): Promise<void> {
  const { name, body } = photo(index);
  await uploadAs(context, name, body, client);
}

async function uploadAs(context: CheckContext, name: string, body: Buffer, client: Pick<HttpClient, 'request'> = context.http): Promise<void> {
  const response = await client.request(`/uploads/${name}`, { method: 'PUT', body });
  if (response.status !== 201) {
    context.breach(`PUT /uploads/${name} answered ${response.status} instead of 201.`);
    return;
  }
  const stored = await readFile(path.join(context.uploadsDir, name)).catch(() => null);
  if (!stored || sha256(stored) !== sha256(body)) context.breach(`The upload ${name} was not stored byte-exact.`);
}

function receivedBytes(progressJson: string): number {
  try {
    return Number((JSON.parse(progressJson) as { received?: unknown }).received ?? 0);
  } catch {
    return 0;
  }
}

/** Poll the upload's progress, as the app does, until it reports `bytes` received; false if it never does within 5 s. */
async function progressReported(context: CheckContext, name: string, bytes: number): Promise<boolean> {
  const deadline = performance.now() + 5_000;
  while (performance.now() < deadline) {
    const progress = await context.http.get(`/uploads/${name}/progress`);
    if (progress.status === 200 && receivedBytes(progress.text) >= bytes) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** An upload from a phone that drops after 2 of its 3 MiB, once the app has shown its progress. */
async function droppedUpload(context: CheckContext, index: number): Promise<void> {
  const name = droppedName(index);
  const running = await context.http.startUpload(`/uploads/${name}`, photo(20 + index).body, 2 * MiB);
  await progressReported(context, name, 2 * MiB);
  running.abort();
}

/** A photo the phone sends again while its first attempt is still open: the retry completes, then the first attempt's connection drops. */
const RETRIED = 'retried.jpg';

async function retriedUpload(context: CheckContext): Promise<void> {
  const body = photo(30).body;
  const firstAttempt = await context.http.startUpload(`/uploads/${RETRIED}`, body, 2 * MiB);
  await progressReported(context, RETRIED, 2 * MiB);
  await uploadAs(context, RETRIED, body);
  firstAttempt.abort();
}

/**
 * Uploads whose phones lose their signal once their headers are sent, before a byte of the photo: each under a name
 * of its own, as phones' photos are, so that what one leaves (a partial file made after an rm that did not wait for
 * it) is still there when the check looks, not cleared by a later attempt under the same name.
 */
const LOST_SIGNAL_CLIENTS = 2;
const LOST_SIGNAL = Array.from({ length: maxHangUpAttempts(LOST_SIGNAL_CLIENTS) }, (_, attempt) => `lost-signal-${attempt + 1}.jpg`);

/** Uploads announced larger than the service takes (a video from the camera roll): refused with 413 before their body. */
const OVERSIZED = ['oversized-1.mp4', 'oversized-2.mp4'];
const OVERSIZED_BYTES = 64 * MiB;

/** Uploads whose name the checker's disk refuses to store (it is full for them): the error path of the handler. */
const FULL_DISK_UPLOADS = [`${FULL_DISK_PREFIX}1.jpg`, `${FULL_DISK_PREFIX}2.jpg`];

/**
 * An upload that arrives whole but cannot be stored: the server must answer it with an error, and forget it.
 * `slow`: the phone sends half the photo and the rest only once the app has shown its progress, so that the
 * upload lasts past a heartbeat and its progress is there to forget when storing it fails (a server that
 * refuses it before that, opening its file, never shows progress: the app's 5 s of polling then ends the pause).
 */
async function refusedByDisk(context: CheckContext, name: string, slow = false): Promise<void> {
  let response: Response;
  try {
    const body = photo(50).body;
    if (slow) {
      const running = await context.http.startUpload(`/uploads/${name}`, body, PHOTO_BYTES / 2);
      await progressReported(context, name, PHOTO_BYTES / 2);
      response = await running.finish();
    } else {
      response = await context.http.request(`/uploads/${name}`, { method: 'PUT', body, expectServerError: true });
    }
  } catch (error) {
    // A server whose write to the disk fails may end the connection while the photo is still arriving (pipeline()
    // destroys the request it reads): whether its 500 gets out first is a race on any machine. The app sees a failed
    // upload either way; what stays behind is what the measures judge.
    if (error instanceof CouldNotCheck && error.reason === 'connection failed') return;
    if (!(error instanceof CouldNotCheck && error.reason === 'request hung')) throw error;
    context.breach(`PUT /uploads/${name} got no answer when the disk was full: an error while storing the photo (an 'error' on the write stream, a rejected promise) must end the request with a 5xx, or the app waits for ever.`);
    return;
  }
  if (response.status < 500) {
    context.breach(`PUT /uploads/${name} answered ${response.status}, although the disk was full and the photo could not be stored: the app must be told it failed (5xx).`);
  }
}

/** Every name the traffic uploads under: once an upload is over, the server has no reason to keep its name. */
const TRAFFIC_NAMES = [
  ...DROPPED.map((i) => photo(10 + i).name),
  ...[0, 1, 2, 3].map((i) => photo(40 + i).name),
  ...DROPPED.map((index) => droppedName(index)),
  RETRIED,
  ...FULL_DISK_UPLOADS,
  ...LOST_SIGNAL,
  ...OVERSIZED,
];

/** Uploads that never arrive whole: nothing of them may be stored. */
const NEVER_WHOLE = [...DROPPED.map((index) => droppedName(index)), ...FULL_DISK_UPLOADS, ...LOST_SIGNAL, ...OVERSIZED];

/**
 * Files in the uploads folder that an upload left on its way (a partial file, a temporary one, of any upload) or that
 * store an upload that never arrived whole.
 */
async function leftInTheUploadsFolder(context: CheckContext): Promise<string[]> {
  const files = await readdir(context.uploadsDir).catch(() => [] as string[]);
  return files.filter((file) => /\.(partial|tmp)$/.test(file) || NEVER_WHOLE.includes(file)).sort();
}

/**
 * The text of a string, as far as the snapshot tells it: a sliced string (the
 * name cut from its request's URL) is read as the text it was cut from.
 */
function textOf(node: IHeapNode, depth = 0): string {
  if (node.type === 'sliced string') {
    const parent = node.getReference('parent')?.toNode;
    return parent && depth < 4 ? textOf(parent, depth + 1) : '';
  }
  return node.toStringNode()?.stringValue ?? '';
}

/** A string that names one of the traffic's uploads (the key a server keeps its progress under). */
function namesAnUpload(node: IHeapNode): boolean {
  if (!node.isString) return false;
  const text = textOf(node);
  return TRAFFIC_NAMES.some((name) => text.includes(name));
}

/** The entries of a Map, its backing table: what a Map holds hangs from it. */
function isMapTable(node: IHeapNode): boolean {
  return node.referrers.some((edge) => edge.fromNode.name === 'Map');
}

/**
 * The progress entries of uploads: the values of a Map whose keys name the
 * traffic's uploads. Once an upload is over, finished or dropped, nothing of
 * it should be kept; a Map that keeps an entry (or a tombstone) per upload
 * grows with every photo, each with a new name. The entries are counted, not
 * sized: V8's snapshot leaves out their numbers (small integers are not
 * objects), so each weighs a few dozen bytes however much it says.
 */
function progressEntries(): HeapSelector {
  return {
    describe: 'values of a Map keyed by the names of the uploads',
    matches: (node) =>
      node.type === 'object' &&
      node.referrers.some((edge) => isMapTable(edge.fromNode) && edge.fromNode.references.some((entry) => namesAnUpload(entry.toNode))) &&
      !keptByTheChecker(node),
  };
}

/**
 * The key of a Map entry whose value is an object (a progress entry): a Map's
 * table lays out each entry as key, value, and a link, one slot after
 * another, and keeps no slot for a value that is not an object (a number, a
 * boolean). A name kept as the key of a number or a flag counts as a name.
 */
function keysAnObject(edge: IHeapEdge): boolean {
  if (!isMapTable(edge.fromNode)) return false;
  const slot = Number(edge.name_or_index);
  const value = edge.fromNode.references.find((entry) => entry.type === edge.type && Number(entry.name_or_index) === slot + 1)?.toNode;
  return value?.type === 'object';
}

/**
 * Held as the key of a progress entry, by a closure's scope (a variable of a function that is still alive), or by
 * its request (its URL): what the other measures count, or what goes once they are let go of.
 */
function heldByAnEntryAScopeOrARequest(node: IHeapNode): boolean {
  return node.referrers.some((edge) => keysAnObject(edge) || edge.fromNode.name === 'system / Context' || edge.fromNode.name === 'IncomingMessage');
}

/**
 * The names of the traffic's uploads that the server still keeps outside a
 * progress entry and a closure (a Set, an array, an object's keys or values,
 * the keys of a Map of numbers or flags): one per name kept (a name cut from
 * its request's URL and that URL are one name; so are a concatenation and its
 * parts). Once an upload is over, finished or dropped, nothing should
 * remember it: a record of the uploads that are over (a tombstone per name,
 * so that the progress route can say "over", a count of bytes per name),
 * kept anywhere, grows with every photo, each with a new name. A Map's
 * entries of objects are the progress entries' measure, and a closure or a
 * request that stays is kept by a function, which the functions' measure
 * counts. Names the checker's own code keeps in the server's process (its
 * records of files opened) are not the server's.
 */
function uploadNames(): HeapSelector {
  return {
    describe: 'strings naming the uploads, kept outside a progress entry and a closure',
    matches: (node) => namesAnUpload(node) && !node.referrers.some((edge) => namesAnUpload(edge.fromNode)) && !heldByAnEntryAScopeOrARequest(node) && !keptByTheChecker(node),
  };
}

/**
 * Records the module-level state may gain and keep: a record or two a fixed server makes once (a Map's table grown,
 * a shared ticker's state); not one per upload that is over (the traffic drops or refuses 13 of them).
 */
const RECORDS_BAR = 4;

const check: CheckSpec = {
  async warmup(context) {
    await upload(context, 0);
    await context.http.abortedUpload('/uploads/warmup-dropped.jpg', photo(1).body, 1 * MiB);
  },

  async traffic(context) {
    for (const i of DROPPED) await upload(context, 10 + i);
    // The app keeps its connection open between uploads, and for as long as the check measures.
    const app = context.http.keepAlive();
    for (const i of [0, 1, 2, 3]) await upload(context, 40 + i, app);
    await Promise.all(DROPPED.map((i) => droppedUpload(context, i)));
    await retriedUpload(context);
    // Uploads the disk refuses: every byte arrives, and storing it fails (ENOSPC) whichever way the server writes it.
    // The second one's phone pauses halfway until the app has shown its progress: its upload outlasts a heartbeat.
    for (const [index, name] of FULL_DISK_UPLOADS.entries()) await refusedByDisk(context, name, index === 1);
    // Phones that lose their signal right after the headers: at each await of the handler on the file store before the body, if it has any.
    await context.hangUpAtEachAwait((attempt) => `/uploads/${LOST_SIGNAL[attempt]!}`, Array.from({ length: LOST_SIGNAL_CLIENTS }, () => ({ 'content-length': String(PHOTO_BYTES) })), { method: 'PUT' });
    // Videos announced above the limit: the phone sends the headers, gets its 413 (or, from a server that would take
    // the body, nothing more it can do without one), and hangs up.
    for (const name of OVERSIZED) {
      const announced = context.http.openRequest(`/uploads/${name}`, { 'content-length': String(OVERSIZED_BYTES) }, 'PUT');
      await Promise.race([announced.answered, context.untilSteady()]);
      await announced.hangUp();
    }
  },

  async contract(context) {
    const { http, breach } = context;
    const oversized = await http.request('/uploads/huge.jpg', { method: 'PUT', headers: { 'content-length': String(OVERSIZED_BYTES) } }).catch(() => null);
    if (oversized && oversized.status !== 413) breach(`An upload announced as 64 MiB was answered ${oversized.status} instead of 413.`);
    const traversal = await http.request('/uploads/..%2f..%2fescape.jpg', { method: 'PUT', body: Buffer.from('x') });
    if (traversal.status !== 400) breach(`PUT /uploads/..%2f..%2fescape.jpg answered ${traversal.status}: names with a path must be refused (400).`);
    await upload(context, 99);

    // While an upload runs, its progress can be polled.
    const { name, body } = photo(98);
    const running = await http.startUpload(`/uploads/${name}`, body, MiB);
    if (!(await progressReported(context, name, MiB))) breach(`While an upload had sent 1 MiB, GET /uploads/${name}/progress never reported it (within 5 s).`);
    const finished = await running.finish();
    if (finished.status !== 201) breach(`PUT /uploads/${name} answered ${finished.status} instead of 201 after a pause.`);

    // Once an upload is over, finished or dropped, the app must stop drawing its progress bar.
    for (const over of [name, ...DROPPED.map((index) => droppedName(index)), RETRIED, ...FULL_DISK_UPLOADS, ...LOST_SIGNAL, ...OVERSIZED]) {
      const progress = await http.get(`/uploads/${over}/progress`);
      if (progress.status === 200) {
        const how =
          over === name
            ? 'finished'
            : over === RETRIED
              ? 'was sent again and its first attempt dropped'
              : LOST_SIGNAL.includes(over)
                ? 'was dropped right after its headers'
                : OVERSIZED.includes(over)
                  ? 'was refused as too large (413) and the phone hung up'
                  : over.startsWith(FULL_DISK_PREFIX)
                    ? 'failed to be stored (the disk was full)'
                    : 'was dropped';
        breach(`GET /uploads/${over}/progress still reports ${progress.text} after that upload ${how}: the app's progress bar stays stuck. Once an upload is over its progress must go (404).`);
        break;
      }
    }

    // Nothing of an upload that never arrived whole stays in the uploads folder: no partial file, no photo.
    await context.settle();
    const deadline = performance.now() + 2_000;
    let left: string[];
    do {
      left = await leftInTheUploadsFolder(context);
      if (left.length) await new Promise((resolve) => setTimeout(resolve, 50));
    } while (left.length && performance.now() < deadline);
    if (left.length) {
      breach(
        `${left.slice(0, 3).join(', ')}${left.length > 3 ? `, … (${left.length} files)` : ''} ${left.length === 1 ? 'is' : 'are'} still in the uploads folder after the uploads ended, some dropped by their phones (before the first byte too, while your handler awaited the file store) or refused: ` +
          "a partial file must be removed on every way out, once the stream that writes it is closed (a file still opening when the phone drops is created after an rm that did not wait for it), and an upload that never arrived whole must not be stored.",
      );
    }
  },

  measures: [
    {
      kind: 'resources',
      name: 'timers still running after the uploads ended',
      instruments: [liveTimers],
      unit: 'objects',
      bar: 0,
    },
    {
      kind: 'heap',
      name: 'upload bytes kept after the uploads ended',
      select: arrayBuffers(16 * 1024),
      unit: 'bytes',
      bar: 2 * MiB,
      retainer: 'Timeout',
    },
    {
      kind: 'heap',
      name: 'progress entries kept after the uploads ended',
      select: progressEntries(),
      unit: 'objects',
      bar: 0,
      retainer: 'uploadProgress',
    },
    {
      kind: 'heap',
      name: 'names of uploads kept elsewhere after the uploads ended',
      select: uploadNames(),
      unit: 'objects',
      bar: 0,
      retainer: 'finishedUploads',
      guards: "a fix that deletes each upload's progress entry but remembers the uploads that are over in a Set of their names (so that the progress route can answer \"over\") keeps one name per photo, for ever",
    },
    {
      // The same leak where what an upload leaves is a record kept under no name: progress by an attempt's id, a Set
      // of the uploads in flight, forgotten on 'end' only, which a dropped upload never gets.
      kind: 'heap',
      name: 'records your module-level variables gained during the uploads and still hold',
      select: recordsKeptByModuleState('the uploads'),
      unit: 'objects',
      bar: RECORDS_BAR,
      retainer: 'uploadProgress',
    },
    {
      // A function made per upload and kept (a timer's callback, a listener on an emitter of the service's own, one
      // that closes over the upload's name) keeps its scope: whatever keeps it, it should be gone once the upload is over.
      kind: 'heap',
      name: 'functions your code made during the uploads and still alive after them',
      select: closuresOfTheService('functions your code created'),
      unit: 'objects',
      bar: 0,
      retainer: 'Timeout',
    },
    {
      kind: 'resources',
      name: 'listeners left on a connection kept open for 4 uploads',
      instruments: [connectionListeners],
      unit: 'objects',
      bar: 0,
      guards: "a fix that stops each upload's heartbeat when its connection closes leaves a listener per upload, with its request and response, on a connection the app keeps open",
    },
    {
      kind: 'resources',
      name: 'file descriptors left open after the uploads ended',
      instruments: [openDescriptors],
      unit: 'objects',
      bar: 0,
      guards: 'a fix that streams each upload to disk (createWriteStream, req.pipe) and never closes the file of a dropped one leaves a descriptor open per dropped upload',
    },
  ],
  routes: { fileNames: ['PUT /uploads/:name', 'GET /uploads/:name/progress'], uploads: ['PUT /uploads/:name'] },
};

export default check;
