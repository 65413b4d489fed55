/**
 * Scenario 06's check. Traffic: the four photos exported three times each,
 * a 32 MiB video once, six exports (four photos, the video twice) whose
 * client hangs up before the first byte, and two video exports the client
 * gives up on after 1 MiB. What must not stay: the files' bytes (Buffers of
 * 4 KiB or more: whole files or a stream's chunks) once their exports are
 * sent; the job registry may keep each job's status, not its file. Contract:
 * exports are byte-exact, with the job id and the per-MiB checksums in their
 * headers; GET /jobs/:id reports a sent export's file, size, checksums and
 * state, and 404 for an unknown job.
 */
import { fixtureBytes, fixtureSha256, sha256 } from '../../checker/fixtures.ts';
import { liveTimers, openDescriptors } from '../../checker/instruments.ts';
import { arrayBuffers } from '../../checker/select.ts';
import type { HttpClient } from '../../checker/traffic.ts';
import type { CheckContext, CheckSpec } from '../../checker/types.ts';

const PHOTOS = ['photo-1.jpg', 'photo-2.jpg', 'photo-3.jpg', 'photo-4.jpg'];
/** 32 MiB: more than loopback's socket buffers hold, so a client that stops after 1 MiB really cancels it. */
const VIDEO = 'video-1.mp4';
const MiB = 1024 * 1024;

/** The checksums a manifest must list: one SHA-256 per MiB of the file. */
function partChecksums(name: string): string[] {
  const data = fixtureBytes(name);
  const parts: string[] = [];
  for (let at = 0; at < data.length; at += MiB) parts.push(sha256(data.subarray(at, at + MiB)));
  return parts;
}

/** Export a photo; returns its job id when the export was right, null after a breach. */
async function exportPhoto(context: CheckContext, name: string, client: Pick<HttpClient, 'get'> = context.http): Promise<string | null> {
  const response = await client.get(`/exports/${name}`);
  if (response.status !== 200) {
    context.breach(`GET /exports/${name} answered ${response.status} instead of 200.`);
    return null;
  }
  if (response.sha256 !== fixtureSha256(name)) {
    context.breach(`GET /exports/${name} sent ${response.bytes} bytes that are not the file's contents.`);
    return null;
  }
  if (response.headers['x-export-parts'] !== partChecksums(name).join(',')) {
    context.breach(`GET /exports/${name} sent an X-Export-Parts header that is not the SHA-256 of each MiB of the file.`);
  }
  const id = response.headers['x-export-job'];
  if (typeof id !== 'string' || id === '') {
    context.breach(`GET /exports/${name} sent no X-Export-Job header with the job's id.`);
    return null;
  }
  return id;
}

/**
 * Ask for an export and hang up before its first byte, while the handler
 * still reads the file (the harness holds the read until the server has seen
 * the hang-up, on every machine), then wait until the server has read the
 * file: its handler has then recorded the job, so the snapshot sees the job,
 * not a read still under way.
 */
async function hangUpBeforeFirstByte(context: CheckContext, name: string): Promise<void> {
  const readsBefore = (await context.probe()).storage.diskReads;
  await context.hangUpWhileReadingFile(`/exports/${name}`);
  const deadline = performance.now() + 10_000;
  while ((await context.probe()).storage.diskReads === readsBefore && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const check: CheckSpec = {
  async warmup(context) {
    for (const name of PHOTOS) {
      const id = await exportPhoto(context, name);
      if (id) await context.http.get(`/jobs/${id}`);
    }
    await context.http.abortedDownload('/exports/photo-1.jpg', 256 * 1024);
    await context.http.get('/exports/no-such-photo.jpg');
  },

  async traffic(context) {
    for (let i = 0; i < 12; i++) {
      const id = await exportPhoto(context, PHOTOS[i % PHOTOS.length]!);
      if (id && i % 3 === 0) await context.http.get(`/jobs/${id}`);
    }
    await exportPhoto(context, VIDEO);
    // A photo cancelled halfway is sent all the same: the kernel's socket buffers take all 2 MiB of it. A client that
    // hangs up while the server reads the file cancels for real: its job is recorded, and its export never starts.
    for (const name of ['photo-2.jpg', VIDEO, 'photo-3.jpg', VIDEO, 'photo-1.jpg', 'photo-4.jpg']) await hangUpBeforeFirstByte(context, name);
    for (let i = 0; i < 2; i++) await context.http.abortedDownload(`/exports/${VIDEO}`, MiB);
  },

  async contract(context) {
    const { http, breach } = context;
    const name = 'photo-3.jpg';
    // The dashboard exports and then polls over one connection it keeps open: the export is over when its response is.
    const dashboard = http.keepAlive();
    const id = await exportPhoto(context, name, dashboard);
    if (id) {
      // The job turns 'sent' when the response has finished: poll briefly for it.
      const deadline = performance.now() + 5_000;
      let status: Record<string, unknown> | null = null;
      while (performance.now() < deadline) {
        const response = await dashboard.get(`/jobs/${id}`);
        if (response.status !== 200) {
          breach(`GET /jobs/${id} answered ${response.status} for the job of an export just sent; the dashboard needs its status.`);
          break;
        }
        status = JSON.parse(response.text) as Record<string, unknown>;
        if (status.state === 'sent') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (status) {
        const expected = { id, file: name, state: 'sent', bytes: fixtureBytes(name).length, parts: partChecksums(name) };
        for (const [key, value] of Object.entries(expected)) {
          if (JSON.stringify(status[key]) !== JSON.stringify(value)) {
            breach(`GET /jobs/${id} reported ${key} ${JSON.stringify(status[key])}, not ${JSON.stringify(value)}.`);
          }
        }
        if (typeof status.startedAt !== 'string' || typeof status.finishedAt !== 'string') {
          breach(`GET /jobs/${id} did not report when the export started and finished (startedAt, finishedAt).`);
        }
      }
    }
    const unknown = await http.get('/jobs/no-such-job');
    if (unknown.status !== 404) breach(`GET /jobs/no-such-job answered ${unknown.status} instead of 404.`);
    const missing = await http.get('/exports/no-such-photo.jpg');
    if (missing.status !== 404) breach(`GET /exports/no-such-photo.jpg answered ${missing.status} instead of 404.`);
    const traversal = await http.get('/exports/..%2f..%2fpackage.json');
    if (traversal.status !== 400) breach(`GET /exports/..%2f..%2fpackage.json answered ${traversal.status}: names with a path must be refused (400).`);
  },

  measures: [
    {
      kind: 'resources',
      name: 'file descriptors left open after the exports',
      instruments: [openDescriptors],
      unit: 'objects',
      bar: 0,
      guards: "a fix that streams the export from disk with .pipe(res) leaves the file open for every client that hangs up",
    },
    {
      kind: 'resources',
      name: 'timers still running after the exports',
      instruments: [liveTimers],
      unit: 'objects',
      bar: 0,
      guards: 'a fix that reports progress on a timer, set up after the file is read, never stops it for a client that hung up first',
    },
    {
      kind: 'heap',
      name: 'exported file bytes kept after the exports',
      // Any Buffer of a file's, in one piece or in a stream's chunks of 64 KiB.
      select: arrayBuffers(4 * 1024),
      unit: 'bytes',
      bar: 4 * MiB,
      retainer: 'status() → closes over → scope shared by',
    },
  ],
  routes: { fileNames: ['GET /exports/:name'], uploads: [] },
};

export default check;
