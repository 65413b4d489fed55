/**
 * Scenario 09's check. Traffic: five lecture recordings uploaded at once, of
 * 5 to 48 MiB (three announce their size, two stream chunked), to a disk that is slow on purpose: every write the server
 * makes to a file (the uploads folder, its own temporary folder os.tmpdir(), a spool folder of its own) waits until it has done all it can without them,
 * then goes through, and the disk stalls again every few MiB. Then, to a fast disk, a chunked
 * upload that runs over the 64 MiB limit, uploads whose clients hang up
 * halfway, and some whose clients hang up before the first byte, while the
 * handler awaits the file store and once it waits for the body. What must not grow: the server's
 * memory (heap and external, Buffers included) above its baseline, read at
 * those moments and sampled in between; a server that streams with
 * backpressure holds a few chunks per upload, one that collects the uploads
 * (of any size or kind: they range from small to large, announced and chunked)
 * or ignores write()'s answer holds every byte it has read. A heap snapshot
 * after the traffic cannot see it: the bytes are gone by then. How fast the
 * disk or the machine is changes nothing: the disk waits for the server's
 * state, not for a clock. Then three short uploads of 1.5 MiB at once, announced, to the slow disk: a server that
 * collects the uploads announced below some size holds them whole. What must not stay: a file descriptor the uploads
 * opened (a write stream that is closed or unlinked but never destroyed keeps
 * its file open, deleted or not), nor a write stream alive after a garbage collection (a Set of the streams in flight
 * forgotten on 'finish' only).
 * Contract: every upload is stored byte-exact and answered 201, an empty one
 * too (an empty file); an upload over the 64 MiB limit is refused, when its
 * Content-Length announces it (413) and when it is streamed chunked and runs
 * over the limit (413, or the connection cut), and nothing of it stays in the
 * uploads folder; neither does anything of an upload whose client hangs up
 * halfway or before its first byte, nor any file the server made for it
 * anywhere else (its temporary folder, a spool folder beside it: the harness
 * records every file and folder the server makes); an upload the disk has no room for is
 * answered 5xx; and the next upload of each of those names is stored (or tried) as any other. */
import { readdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CouldNotCheck } from '../../checker/errors.ts';
import { generateBytes, sha256 } from '../../checker/fixtures.ts';
import { formatBytes } from '../../checker/format.ts';
import { FULL_DISK_PREFIX } from '../../checker/full-disk.ts';
import { keptWriteStreams, openDescriptors } from '../../checker/instruments.ts';
import { MAX_VIDEO_UPLOAD_BYTES } from '../../checker/service/upload-limits.ts';
import type { CreatedFile } from '../../checker/protocol.ts';
import type { CheckContext, CheckSpec } from '../../checker/types.ts';
import { maxHangUpAttempts } from '../../checker/traffic.ts';

const MiB = 1024 * 1024;
/**
 * The recordings uploaded at once to the slow disk: small to large, some announced, some chunked, so that a server
 * that collects uploads in memory below (or above) some size, or only those of one kind, holds one of them whole,
 * well over the bar, whatever that size.
 */
const AT_ONCE = [
  { name: 'lecture-1.mp4', bytes: 5 * MiB, chunked: false },
  { name: 'lecture-2.mp4', bytes: 5 * MiB, chunked: true },
  { name: 'lecture-3.mp4', bytes: 12 * MiB, chunked: false },
  { name: 'lecture-4.mp4', bytes: 24 * MiB, chunked: true },
  { name: 'lecture-5.mp4', bytes: 48 * MiB, chunked: false },
];
const AT_ONCE_BYTES = AT_ONCE.reduce((sum, { bytes }) => sum + bytes, 0);
/**
 * Short recordings uploaded at once after them, each announced (Content-Length) at 1.5 MiB: a server that collects
 * the uploads announced below some size in memory (small ones "are quicker in one go") holds the three whole, about
 * twice the bar. Three, not more: a server that streams holds a few chunks per upload in flight (about 400 KiB on
 * Node 24, whose streams buffer 64 KiB each), and the bar's room for them is taken by the first batch.
 */
const SMALL_AT_ONCE = Array.from({ length: 3 }, (_, i) => ({ name: `short-${i + 1}.mp4`, bytes: 1.5 * MiB }));
/** How much the slow disk writes between its stalls. */
const STALL_EVERY_BYTES = 16 * MiB;
/**
 * How long an upload to the slow disk may take: each stall lasts until the server is steady, and on a busy
 * machine that is seconds, not milliseconds. A server that never answers still fails, later.
 */
const SLOW_DISK_UPLOAD_TIMEOUT_MS = 60_000;
/** Uploads whose clients hang up after half their bytes, one after the other. */
const DROPPED = ['dropped-1.mp4', 'dropped-2.mp4', 'dropped-3.mp4'];
const DROPPED_BYTES = 8 * MiB;
/**
 * An upload whose client hangs up before the first byte of its body, while the handler awaits the file store
 * (creating the uploads folder, opening the file), once per such await and client, as a phone that loses its
 * signal right away: a handler that sets up its clean-up after an await finds that client gone already. Each under a
 * name of its own, as each recording has: what one leaves (a partial file made after an rm that did not wait for it)
 * stays there, not cleared by a later attempt under the same name before the check looks.
 */
const HUNG_UP_EARLY_CLIENTS = 2;
const HUNG_UP_EARLY = Array.from({ length: maxHangUpAttempts(HUNG_UP_EARLY_CLIENTS) }, (_, attempt) => `hung-up-early-${attempt + 1}.mp4`);
/** Every name whose upload ends early, one way or another. */
const ENDED_EARLY = ['streamed-too-long.mp4', ...DROPPED, ...HUNG_UP_EARLY];

function video(name: string, bytes: number): Buffer {
  return generateBytes(name, bytes);
}

async function upload(context: CheckContext, name: string, body: Buffer, timeoutMs?: number, chunked = false): Promise<void> {
  const response = await context.http.request(`/uploads/${name}`, { method: 'PUT', body, timeoutMs, chunked });
  if (response.status !== 201) {
    context.breach(`PUT /uploads/${name} (${body.length} bytes${chunked ? ', chunked' : ''}) answered ${response.status} instead of 201.`);
    return;
  }
  const stored = await readFile(path.join(context.uploadsDir, name)).catch(() => null);
  if (!stored) context.breach(`PUT /uploads/${name} answered 201, but no file ${name} was stored.`);
  else if (sha256(stored) !== sha256(body)) context.breach(`The upload ${name} was not stored byte-exact (${stored.length} bytes stored, ${body.length} sent).`);
}

/** Files in the uploads folder whose name starts with `name` (the upload itself, or a partial file of it). */
async function leftovers(context: CheckContext, name: string): Promise<string[]> {
  const files = await readdir(context.uploadsDir).catch(() => [] as string[]);
  return files.filter((file) => file.startsWith(name));
}

/** A file the server left on the disk: where, how large, and the line of its code that made it (when the harness saw it made). */
interface LeftFile {
  readonly file: string;
  readonly bytes: number;
  readonly location: string | null;
  /** A folder (mkdtemp, mkdir), empty or not: `bytes` is then the number of entries in it. */
  readonly folder?: boolean;
}

/** The files the server had made by the time the traffic began, by the harness's key: a file it made then and keeps (a log) is not a leftover. */
const madeBeforeTraffic = new WeakMap<CheckContext, Set<string>>();

/**
 * Files the server made during the traffic and left on the disk: anywhere but the uploads folder (a spool folder
 * beside the server or in its working folder, its temporary folder), and in the uploads folder under a name that is
 * no upload's (an upload's own name and its partial file are judged by name, see `leftovers`). The server's own
 * temporary folder (its os.tmpdir(), which the check gives it) is listed too, for files made in a way the harness
 * does not see. The largest first.
 */
async function leftAnywhere(context: CheckContext): Promise<LeftFile[]> {
  const before = madeBeforeTraffic.get(context) ?? new Set<string>();
  const created: readonly CreatedFile[] = (await context.probe()).createdFiles ?? [];
  const uploadNames = [...AT_ONCE.map(({ name }) => name), ...SMALL_AT_ONCE.map(({ name }) => name), ...ENDED_EARLY, ...DISK_FULL.map(({ name }) => name)];
  const found = new Map<string, LeftFile>();
  for (const { key, file, bytes, location } of created) {
    if (before.has(key)) continue;
    if (path.dirname(file) === path.resolve(context.uploadsDir) && uploadNames.some((name) => path.basename(file).startsWith(name))) continue;
    found.set(file, { file, bytes, location });
  }
  // Folders the server made during the traffic and left (a spool folder per upload, emptied but never removed), the check's own aside.
  const own = new Set([context.uploadsDir, context.tempDir].filter((folder) => folder !== undefined).map((folder) => path.resolve(folder)));
  for (const { key, file, bytes, location } of (await context.probe()).createdFolders ?? []) {
    if (before.has(key) || own.has(path.resolve(file))) continue;
    found.set(file, { file, bytes, location, folder: true });
  }
  if (context.tempDir) {
    const dir = context.tempDir;
    const names = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
    for (const name of names) {
      const file = path.resolve(dir, name);
      const stats = await stat(file).catch(() => null);
      if (stats?.isFile() && !found.has(file)) found.set(file, { file, bytes: stats.size, location: null });
    }
  }
  // Files first, the largest first; then the folders.
  return [...found.values()].sort((a, b) => Number(a.folder ?? false) - Number(b.folder ?? false) || (a.folder ? 0 : b.bytes - a.bytes));
}

/** Where a left file is, as the learner finds it: in the server's temporary folder, or from the project folder. */
function shownPath(context: CheckContext, file: string): string {
  if (context.tempDir && file.startsWith(path.resolve(context.tempDir) + path.sep)) return `os.tmpdir()/${path.relative(context.tempDir, file).split(path.sep).join('/')}`;
  if (file.startsWith(path.resolve(context.uploadsDir) + path.sep)) return `the uploads folder/${path.basename(file)}`;
  const relative = path.relative(process.cwd(), file);
  return (relative.startsWith('..') || path.isAbsolute(relative) ? file : relative).split(path.sep).join('/');
}

/**
 * An upload the disk has no room for (checker/full-disk.ts: it is full for files named so, every time), whose store
 * fails once the whole body is in: an empty one, whole with its headers on every machine. The server must say so
 * (5xx), and the next upload of the name must be tried like any other: stored, or refused by the disk again (5xx),
 * not turned away because of the one that failed (a lock per name released only on success or on a hang-up).
 */
const DISK_FULL = [{ name: `${FULL_DISK_PREFIX}empty.mp4`, bytes: 0 }];

/** One upload to the full disk; the breach it makes, if any. `again`: an earlier upload of that name failed to be stored. */
async function toFullDisk(context: CheckContext, name: string, body: Buffer, again: boolean): Promise<void> {
  const before = again ? `its last upload failed to be stored (the disk was full), and the next one must be tried like any other, whichever way the last one ended (a lock or a slot taken for the name must be given back when storing fails too): stored, or refused by the disk again with a 5xx` : '';
  let status: number;
  try {
    status = (await context.http.request(`/uploads/${name}`, { method: 'PUT', body, expectServerError: true })).status;
  } catch (error) {
    // A server whose store fails may end the connection while the body is still arriving (pipeline() destroys the
    // request it reads): whether its 5xx gets out first is a race on any machine. The teacher sees a failed upload either way.
    if (error instanceof CouldNotCheck && error.reason === 'connection failed') return;
    if (!(error instanceof CouldNotCheck && error.reason === 'request hung')) throw error;
    context.breach(
      again
        ? `PUT /uploads/${name} got no answer: ${before}.`
        : `PUT /uploads/${name} got no answer when the disk was full: an error while storing the upload (an 'error' on the write stream, a rejected promise) must end the request with a 5xx, or the teacher's app waits for ever.`,
    );
    return;
  }
  if (status >= 500) return;
  if (status === 201) {
    // A server that writes the upload under another name first (a spool file) does not meet the full disk: it stores it.
    const stored = await readFile(path.join(context.uploadsDir, name)).catch(() => null);
    if (!stored || sha256(stored) !== sha256(body)) context.breach(`PUT /uploads/${name} answered 201, but ${stored ? 'what was stored is not what was sent' : `no file ${name} was stored`}.`);
    return;
  }
  context.breach(
    again
      ? `PUT /uploads/${name} answered ${status}: ${before}.`
      : `PUT /uploads/${name} answered ${status}, although the disk was full and the upload could not be stored: the teacher's app must be told it failed (5xx).`,
  );
}

/** An upload of a name whose last upload ended early: it must be stored as any other (false, with a breach, when it is not). */
async function uploadAgain(context: CheckContext, name: string, how: string): Promise<boolean> {
  const body = video(`${name} again`, 2 * MiB);
  let response;
  try {
    response = await context.http.request(`/uploads/${name}`, { method: 'PUT', body });
  } catch (error) {
    if (!(error instanceof CouldNotCheck && error.reason === 'request hung')) throw error;
    context.breach(`PUT /uploads/${name} got no answer: an upload of ${name} was ${how}, and the next upload of that name waits for something the earlier one never gave back (a lock, a slot, a promise resolved on success only).`);
    return false;
  }
  if (response.status !== 201) {
    context.breach(`PUT /uploads/${name} answered ${response.status} instead of 201: an upload of ${name} was ${how}, and the next upload of that name must be stored like any other (a lock or a slot the earlier upload took must be given back on every way out, a hang-up during an await included).`);
    return false;
  }
  const stored = await readFile(path.join(context.uploadsDir, name)).catch(() => null);
  if (!stored) context.breach(`PUT /uploads/${name} answered 201, but no file ${name} was stored (an upload of ${name} was ${how} before).`);
  else if (sha256(stored) !== sha256(body)) context.breach(`The upload of ${name} sent after an earlier one was ${how} was not stored byte-exact (${stored.length} bytes stored, ${body.length} sent).`);
  return stored !== null && sha256(stored) === sha256(body);
}

const check: CheckSpec = {
  async warmup(context) {
    await upload(context, 'warmup.mp4', video('warmup.mp4', 2 * MiB));
    await Promise.all(['warmup-a.mp4', 'warmup-b.mp4'].map((name, i) => upload(context, name, video(name, 1 * MiB), undefined, i === 1)));
  },

  async traffic(context) {
    const made = await context.probe();
    madeBeforeTraffic.set(context, new Set([...(made.createdFiles ?? []), ...(made.createdFolders ?? [])].map(({ key }) => key)));
    const bodies = AT_ONCE.map(({ name, bytes }) => video(name, bytes));
    await context.withSlowDisk(STALL_EVERY_BYTES, async () => {
      // Some stream chunked, as the desktop app does: no Content-Length, the size shows only while reading.
      await Promise.all(AT_ONCE.map(({ name, chunked }, i) => upload(context, name, bodies[i]!, SLOW_DISK_UPLOAD_TIMEOUT_MS, chunked)));
    });
    const small = SMALL_AT_ONCE.map(({ name, bytes }) => video(name, bytes));
    await context.withSlowDisk(STALL_EVERY_BYTES, async () => {
      await Promise.all(SMALL_AT_ONCE.map(({ name }, i) => upload(context, name, small[i]!, SLOW_DISK_UPLOAD_TIMEOUT_MS)));
    });
    // The ways an upload ends early, here so that the descriptors they opened are counted after them.
    // Chunked: the size shows only while reading. 1 MiB more than the limit is sent.
    const streamed = await context.http.chunkedUpload('/uploads/streamed-too-long.mp4', video('streamed-too-long.mp4', MiB), MAX_VIDEO_UPLOAD_BYTES + MiB);
    if (streamed.status !== 413 && streamed.status !== 0) {
      context.breach(`A chunked upload that ran over the ${MAX_VIDEO_UPLOAD_BYTES / MiB} MiB limit was answered ${streamed.status} instead of 413.`);
    }
    for (const name of DROPPED) await context.http.abortedUpload(`/uploads/${name}`, video(name, DROPPED_BYTES), DROPPED_BYTES / 2);
    const announced = { 'content-length': String(DROPPED_BYTES) };
    await context.hangUpAtEachAwait((attempt) => `/uploads/${HUNG_UP_EARLY[attempt]!}`, Array.from({ length: HUNG_UP_EARLY_CLIENTS }, () => announced), { method: 'PUT' });
  },

  async contract(context) {
    const { http, breach } = context;
    const announced = await http.request('/uploads/too-long.mp4', { method: 'PUT', headers: { 'content-length': String(MAX_VIDEO_UPLOAD_BYTES + MiB) } });
    if (announced.status !== 413) breach(`An upload announced as ${MAX_VIDEO_UPLOAD_BYTES / MiB + 1} MiB (Content-Length) was answered ${announced.status} instead of 413.`);

    // The server may still be cleaning up after the refusal and the hang-ups: wait until its connections
    // are closed and its file work is done, then give it a moment more, polling.
    await context.settle();
    const deadline = performance.now() + 2_000;
    let left: string[] = [];
    let elsewhere: LeftFile[] = [];
    do {
      left = (await Promise.all(ENDED_EARLY.map((name) => leftovers(context, name)))).flat();
      elsewhere = await leftAnywhere(context);
      if (left.length || elsewhere.length) await new Promise((resolve) => setTimeout(resolve, 50));
    } while ((left.length || elsewhere.length) && performance.now() < deadline);
    const { createdFiles = [], madeAfterRemoval = [] } = left.length ? await context.probe() : {};
    for (const file of left) {
      const how = file.startsWith('dropped') ? 'dropped by the client halfway' : file.startsWith('hung-up-early-') ? 'dropped by the client before its first byte' : 'refused for running over the limit';
      const where = path.resolve(context.uploadsDir, file);
      const madeAt = createdFiles.find((created) => created.file === where)?.location;
      // Removed before its write stream had asked to create it (the check's disk does one file's creation and removal in the order asked), it was made after its removal.
      const rule = !file.endsWith('.partial')
        ? 'an upload that never arrived whole must not be stored'
        : madeAfterRemoval.includes(where)
          ? "a partial file must be removed. Your server asked to remove it before its write stream had created it (a client that hangs up at once allows that), so the file was made after the removal: remove it once the write stream has closed (its 'close' event, or stream.finished() on it)"
          : 'a partial file must be removed';
      breach(`${file} is still in the uploads folder after its upload was ${how}${madeAt ? ` (made at ${madeAt})` : ''}: ${rule}.`);
    }
    const leftFiles = elsewhere.filter(({ folder }) => !folder);
    const leftFolders = elsewhere.filter(({ folder }) => folder);
    const made = (location: string | null): string => (location ? `made at ${location}` : 'made with no line of your code on the stack');
    if (leftFiles.length) {
      const bytes = leftFiles.reduce((sum, { bytes }) => sum + bytes, 0);
      const shown = leftFiles
        .slice(0, 3)
        .map(({ file, bytes, location }) => `${shownPath(context, file)} (${formatBytes(bytes)}, ${made(location)})`)
        .join(', ');
      breach(
        `${leftFiles.length} file${leftFiles.length === 1 ? '' : 's'} (${formatBytes(bytes)}) your server made during the uploads stayed on the disk after they ended, some refused or dropped by their clients: ${shown}${leftFiles.length > 3 ? ', …' : ''}. ` +
          'A file an upload writes on its way (a temporary or spool file, wherever it is) must be deleted on every way out (a hang-up, a refusal, a failed write), as a partial file in the uploads folder is, or the disk fills up. (The check has deleted them.)',
      );
      // What the server left beside itself would stay in the learner's folder, check after check.
      await Promise.all(leftFiles.map(({ file }) => rm(file, { force: true }).catch(() => undefined)));
    }
    if (leftFolders.length) {
      const shown = leftFolders
        .slice(0, 3)
        .map(({ file, bytes, location }) => `${shownPath(context, file)}/ (${bytes === 0 ? 'empty' : `${bytes} entr${bytes === 1 ? 'y' : 'ies'}`}, ${made(location)})`)
        .join(', ');
      breach(
        `${leftFolders.length} folder${leftFolders.length === 1 ? '' : 's'} your server made during the uploads (mkdtemp, mkdir) stayed on the disk after they ended, some refused or dropped by their clients: ${shown}${leftFolders.length > 3 ? ', …' : ''}. ` +
          'A folder made for one upload (a spool folder of its own) must be removed with what is in it on every way out (a hang-up, a refusal, a failed write), not only its file: one empty folder per dropped upload piles up for ever. (The check has deleted them.)',
      );
      await Promise.all(leftFolders.map(({ file }) => rm(file, { recursive: true, force: true }).catch(() => undefined)));
    }

    // The disk has no room for an upload: the teacher is told, and tries again.
    for (const { name, bytes } of DISK_FULL) {
      await toFullDisk(context, name, video(name, bytes), false);
      await toFullDisk(context, name, video(`${name} again`, bytes), true);
    }

    // A teacher whose connection dropped uploads the recording again, under the same name: after each way an upload ends early.
    await uploadAgain(context, 'streamed-too-long.mp4', 'refused for running over the limit');
    for (const name of DROPPED) await uploadAgain(context, name, 'dropped by its client halfway');
    for (const name of HUNG_UP_EARLY) {
      if (!(await uploadAgain(context, name, 'dropped by its client before its first byte (while the handler awaited the file store, and once it waited for the body)'))) break;
    }
    await upload(context, 'empty.mp4', Buffer.alloc(0));

    // Still works after all that.
    await upload(context, 'after.mp4', video('after.mp4', 3 * MiB));
    const traversal = await http.request('/uploads/..%2f..%2fescape.mp4', { method: 'PUT', body: Buffer.from('x') });
    if (traversal.status !== 400) breach(`PUT /uploads/..%2f..%2fescape.mp4 answered ${traversal.status}: names with a path must be refused (400).`);

    // The folders those files were in, once the server is done with them, if that leaves them empty (a spool folder the
    // server made beside itself); a folder with anything else in it stays, and so do the check's own.
    const kept = new Set([context.uploadsDir, context.tempDir].filter((folder) => folder !== undefined).map((folder) => path.resolve(folder)));
    for (const folder of new Set(leftFiles.map(({ file }) => path.dirname(file)))) if (!kept.has(folder)) await rmdir(folder).catch(() => undefined);
  },

  measures: [
    {
      kind: 'peak',
      name: `peak memory above the baseline while ${AT_ONCE.length} uploads of ${AT_ONCE[0]!.bytes / MiB} to ${AT_ONCE.at(-1)!.bytes / MiB} MiB went to a slow disk at once, and ${DROPPED.length + 1} more were refused or dropped`,
      figure: 'heapAndExternal',
      unit: 'bytes',
      bar: 4 * MiB,
      compareTo: { describe: `the ${AT_ONCE.length} uploads together are`, bytes: AT_ONCE_BYTES },
    },
    {
      kind: 'resources',
      name: 'file descriptors left open after the uploads, the refused one and the dropped ones included',
      instruments: [openDescriptors],
      unit: 'objects',
      bar: 0,
      guards: 'the shipped server writes each upload whole with writeFile, which closes its file; a fix that streams to disk opens one per upload, and a hang-up can leave it open',
    },
    {
      // What a dropped upload leaves when its file is closed: a Set of the write streams in flight (for a graceful
      // shutdown) that forgets one on 'finish' only keeps every dropped, refused or failed upload's stream, with the
      // chunks it had buffered. No heap snapshot: one before the traffic would stay in the memory the peak is read from.
      kind: 'resources',
      name: 'write streams kept after the uploads ended',
      instruments: [keptWriteStreams],
      unit: 'objects',
      bar: 0,
      guards: "the shipped server writes each upload whole with writeFile and makes no stream; a fix that streams and records the write streams in flight, forgetting one on 'finish' only, keeps every dropped upload's stream and what it had buffered",
    },
  ],
  routes: { fileNames: ['PUT /uploads/:name'], uploads: ['PUT /uploads/:name'] },
};

export default check;
