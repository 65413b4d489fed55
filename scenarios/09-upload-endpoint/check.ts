/**
 * Scenario 09's check. Traffic: three 24 MiB lecture recordings uploaded at
 * once (two announce their size, one streams chunked), to a disk that is slow on purpose: the server's writes to the uploads
 * folder (and to its own temporary folder, os.tmpdir(), where an upload may be spooled) wait until it has done all it can without them, then go through,
 * and the disk stalls again every few MiB. Then, to a fast disk, a chunked
 * upload that runs over the 64 MiB limit, uploads whose clients hang up
 * halfway, and some whose clients hang up before the first byte, while the
 * handler awaits the file store and once it waits for the body. What must not grow: the server's
 * memory (heap and external, Buffers included) above its baseline, read at
 * those moments and sampled in between; a server that streams with
 * backpressure holds a few chunks per upload, one that collects the uploads
 * or ignores write()'s answer holds every byte it has read. A heap snapshot
 * after the traffic cannot see it: the bytes are gone by then. How fast the
 * disk or the machine is changes nothing: the disk waits for the server's
 * state, not for a clock. What must not stay: a file descriptor the uploads
 * opened (a write stream that is closed or unlinked but never destroyed keeps
 * its file open, deleted or not).
 * Contract: every upload is stored byte-exact and answered 201, an empty one
 * too (an empty file); an upload over the 64 MiB limit is refused, when its
 * Content-Length announces it (413) and when it is streamed chunked and runs
 * over the limit (413, or the connection cut), and nothing of it stays in the
 * uploads folder; neither does anything of an upload whose client hangs up
 * halfway or before its first byte (nor in the server's temporary folder),
 * and the next upload of each of those names is stored as any other. */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CouldNotCheck } from '../../checker/errors.ts';
import { generateBytes, sha256 } from '../../checker/fixtures.ts';
import { formatBytes } from '../../checker/format.ts';
import { openDescriptors } from '../../checker/instruments.ts';
import { MAX_VIDEO_UPLOAD_BYTES } from '../../checker/service/upload-limits.ts';
import type { CheckContext, CheckSpec } from '../../checker/types.ts';

const MiB = 1024 * 1024;
const VIDEO_BYTES = 24 * MiB;
const AT_ONCE = 3;
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
 * signal right away: a handler that sets up its clean-up after an await finds that client gone already.
 */
const HUNG_UP_EARLY = 'hung-up-early.mp4';
const HUNG_UP_EARLY_CLIENTS = 2;

function video(name: string, bytes = VIDEO_BYTES): Buffer {
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

/**
 * Files in the server's own temporary folder (its os.tmpdir(), which the check gives it): an upload spooled
 * there and then moved into place leaves nothing; one dropped or refused leaves its temporary file, unless the
 * server deletes it. With their sizes, the largest first.
 */
async function tempLeftovers(context: CheckContext): Promise<{ file: string; bytes: number }[]> {
  if (!context.tempDir) return [];
  const dir = context.tempDir;
  const names = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  const found = await Promise.all(names.map(async (file) => ({ file, stats: await stat(path.join(dir, file)).catch(() => null) })));
  return found.filter(({ stats }) => stats?.isFile()).map(({ file, stats }) => ({ file, bytes: stats!.size })).sort((a, b) => b.bytes - a.bytes);
}

/** An upload of a name whose last upload ended early: it must be stored as any other. */
async function uploadAgain(context: CheckContext, name: string, how: string): Promise<void> {
  const body = video(`${name} again`, 2 * MiB);
  let response;
  try {
    response = await context.http.request(`/uploads/${name}`, { method: 'PUT', body });
  } catch (error) {
    if (!(error instanceof CouldNotCheck && error.reason === 'request hung')) throw error;
    context.breach(`PUT /uploads/${name} got no answer: an upload of ${name} was ${how}, and the next upload of that name waits for something the earlier one never gave back (a lock, a slot, a promise resolved on success only).`);
    return;
  }
  if (response.status !== 201) {
    context.breach(`PUT /uploads/${name} answered ${response.status} instead of 201: an upload of ${name} was ${how}, and the next upload of that name must be stored like any other (a lock or a slot the earlier upload took must be given back on every way out, a hang-up during an await included).`);
    return;
  }
  const stored = await readFile(path.join(context.uploadsDir, name)).catch(() => null);
  if (!stored) context.breach(`PUT /uploads/${name} answered 201, but no file ${name} was stored (an upload of ${name} was ${how} before).`);
  else if (sha256(stored) !== sha256(body)) context.breach(`The upload of ${name} sent after an earlier one was ${how} was not stored byte-exact (${stored.length} bytes stored, ${body.length} sent).`);
}

const check: CheckSpec = {
  async warmup(context) {
    await upload(context, 'warmup.mp4', video('warmup.mp4', 2 * MiB));
    await Promise.all(['warmup-a.mp4', 'warmup-b.mp4'].map((name, i) => upload(context, name, video(name, 1 * MiB), undefined, i === 1)));
  },

  async traffic(context) {
    const names = Array.from({ length: AT_ONCE }, (_, i) => `lecture-${i + 1}.mp4`);
    const bodies = names.map((name) => video(name));
    await context.withSlowDisk(STALL_EVERY_BYTES, async () => {
      // The last one streams chunked, as the desktop app does: no Content-Length, the size shows only while reading.
      await Promise.all(names.map((name, i) => upload(context, name, bodies[i]!, SLOW_DISK_UPLOAD_TIMEOUT_MS, i === AT_ONCE - 1)));
    });
    // The ways an upload ends early, here so that the descriptors they opened are counted after them.
    // Chunked: the size shows only while reading. 1 MiB more than the limit is sent.
    const streamed = await context.http.chunkedUpload('/uploads/streamed-too-long.mp4', video('streamed-too-long.mp4', MiB), MAX_VIDEO_UPLOAD_BYTES + MiB);
    if (streamed.status !== 413 && streamed.status !== 0) {
      context.breach(`A chunked upload that ran over the ${MAX_VIDEO_UPLOAD_BYTES / MiB} MiB limit was answered ${streamed.status} instead of 413.`);
    }
    for (const name of DROPPED) await context.http.abortedUpload(`/uploads/${name}`, video(name, DROPPED_BYTES), DROPPED_BYTES / 2);
    const announced = { 'content-length': String(DROPPED_BYTES) };
    await context.hangUpAtEachAwait(`/uploads/${HUNG_UP_EARLY}`, Array.from({ length: HUNG_UP_EARLY_CLIENTS }, () => announced), { method: 'PUT' });
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
    let temporary: { file: string; bytes: number }[] = [];
    do {
      left = (await Promise.all(['streamed-too-long.mp4', ...DROPPED, HUNG_UP_EARLY].map((name) => leftovers(context, name)))).flat();
      temporary = await tempLeftovers(context);
      if (left.length || temporary.length) await new Promise((resolve) => setTimeout(resolve, 50));
    } while ((left.length || temporary.length) && performance.now() < deadline);
    for (const file of left) {
      const how = file.startsWith('dropped') ? 'dropped by the client halfway' : file.startsWith(HUNG_UP_EARLY) ? 'dropped by the client before its first byte' : 'refused for running over the limit';
      const rule = file.endsWith('.partial') ? 'a partial file must be removed' : 'an upload that never arrived whole must not be stored';
      breach(`${file} is still in the uploads folder after its upload was ${how}: ${rule}.`);
    }
    if (temporary.length) {
      const bytes = temporary.reduce((sum, { bytes }) => sum + bytes, 0);
      const shown = temporary.slice(0, 3).map(({ file, bytes }) => `${file} (${formatBytes(bytes)})`).join(', ');
      breach(
        `${temporary.length} file${temporary.length === 1 ? '' : 's'} (${formatBytes(bytes)}) stayed in the server's temporary folder (os.tmpdir()) after uploads were refused or dropped by their clients: ${shown}${temporary.length > 3 ? ', …' : ''}. ` +
          'A temporary file an upload writes must be deleted on every way out (a hang-up, a refusal, a failed write), as a partial file in the uploads folder is, or the disk fills up.',
      );
    }

    // A teacher whose connection dropped uploads the recording again, under the same name: after each way an upload ends early.
    await uploadAgain(context, 'streamed-too-long.mp4', 'refused for running over the limit');
    for (const name of DROPPED) await uploadAgain(context, name, 'dropped by its client halfway');
    await uploadAgain(context, HUNG_UP_EARLY, 'dropped by its client before its first byte (while the handler awaited the file store, and once it waited for the body)');
    await upload(context, 'empty.mp4', Buffer.alloc(0));

    // Still works after all that.
    await upload(context, 'after.mp4', video('after.mp4', 3 * MiB));
    const traversal = await http.request('/uploads/..%2f..%2fescape.mp4', { method: 'PUT', body: Buffer.from('x') });
    if (traversal.status !== 400) breach(`PUT /uploads/..%2f..%2fescape.mp4 answered ${traversal.status}: names with a path must be refused (400).`);
  },

  measures: [
    {
      kind: 'peak',
      name: `peak memory above the baseline while ${AT_ONCE} uploads of ${VIDEO_BYTES / MiB} MiB went to a slow disk at once, and ${DROPPED.length + 1} more were refused or dropped`,
      figure: 'heapAndExternal',
      unit: 'bytes',
      bar: 4 * MiB,
      compareTo: { describe: `the ${AT_ONCE} uploads together are`, bytes: AT_ONCE * VIDEO_BYTES },
    },
    {
      kind: 'resources',
      name: 'file descriptors left open after the uploads, the refused one and the dropped ones included',
      instruments: [openDescriptors],
      unit: 'objects',
      bar: 0,
      guards: 'the shipped server writes each upload whole with writeFile, which closes its file; a fix that streams to disk opens one per upload, and a hang-up can leave it open',
    },
  ],
  routes: { fileNames: ['PUT /uploads/:name'], uploads: ['PUT /uploads/:name'] },
};

export default check;
