/**
 * VARIANT alternative-abortsignal-events-on
 *
 * CORRECT (other style). thumbnails.ts consumes fileEvents 'changed' with one module-level `for
 * await ... of events.on(...)`; downloads.ts makes an AbortController before the first await,
 * aborts it on an early res 'close', and ties the file to it with stream.addAbortSignal (destroys
 * it at once if already aborted); catalog keeps the head as a latin1 string. Proof: flat after 200
 * each of early/first-byte/mid hang-ups, paused viewers, thumbnails, saves, 404s, HEAD, full
 * downloads; contract checks all good. Check: PASS.
 * Check now: PASS, as before. RIGHT.
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules (catalog.ts, downloads.ts, thumbnails.ts)
 *   inlined below, the others imported from the solution.
 */
import express from 'express';
import { on } from 'node:events';
import path from 'node:path';
import { Readable, addAbortSignal } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { detectFileType, SNIFF_BYTES } from '#service/file-types';
import { checkFileName, fileEvents, writeUpload, openUploadedFile, uploadedFileSize, readUploadedFile } from '#service/storage';
import { makeThumbnail, THUMBNAIL_TYPE } from '#service/thumbnails';
import { MAX_VIDEO_UPLOAD_BYTES, refuseUploadsLargerThan } from '#service/upload-limits';
import { shareApp } from './share-app.ts';

// ---- catalog.ts (the red team's) ----
/**
 * The catalogue of shared files: uploads come in here, and the list and its
 * CSV export are read from here. It lives in memory and starts empty; the
 * files themselves are on disk, in the upload store.
 */

interface SharedFile {
  readonly name: string;
  readonly size: number;
  readonly uploadedAt: Date;
  /** The first bytes: the list tells each file's type from them, so a better detector reclassifies old files too. */
  readonly head: string; // the first bytes as latin1 text: one byte per char, copied out of the upload
}

const files = new Map<string, SharedFile>();

const catalog = express.Router();

/** Recordings of meetings are the largest files people share. */
const MAX_FILE_BYTES = MAX_VIDEO_UPLOAD_BYTES;

const wholeFile = express.raw({ type: () => true, limit: MAX_FILE_BYTES });

catalog.put('/files/:name', refuseUploadsLargerThan(MAX_FILE_BYTES), wholeFile, async (req, res) => {
  const name = checkFileName(String(req.params.name));
  const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const replacing = files.has(name);
  await writeUpload(name, body);
  files.set(name, { name, size: body.length, uploadedAt: new Date(), head: body.toString('latin1', 0, SNIFF_BYTES) });
  // Whoever keeps something made from the old version (a thumbnail) must drop it.
  if (replacing) fileEvents.emit('changed', name);
  res.status(replacing ? 200 : 201).json({ name, size: body.length });
});

function describe(file: SharedFile) {
  return { name: file.name, size: file.size, type: detectFileType(Buffer.from(file.head, 'latin1')), uploadedAt: file.uploadedAt.toISOString() };
}

catalog.get('/files', (_req, res) => {
  res.json([...files.values()].map(describe));
});

/** A CSV field, quoted when it holds a comma, a quote or a line break. */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function* csvLines(): Generator<string> {
  yield 'name,size,type,uploaded_at\r\n';
  for (const file of files.values()) {
    const { name, size, type, uploadedAt } = describe(file);
    yield `${[name, size, type, uploadedAt].map(csvField).join(',')}\r\n`;
  }
}

catalog.get('/export.csv', async (_req, res) => {
  res.type('text/csv').attachment('shared-files.csv');
  await pipeline(Readable.from(csvLines()), res);
});

// ---- downloads.ts (the red team's) ----
/**
 * Downloads: GET /files/:name streams a shared file from disk.
 * Variant: an AbortController made before the first await, aborted when the response closes
 * before it has finished; the opened file is tied to its signal with stream.addAbortSignal,
 * which destroys it at once if the client has already gone.
 */

const downloads = express.Router();

downloads.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const hangUp = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) hangUp.abort();
  });
  const size = await uploadedFileSize(name);
  const file = addAbortSignal(hangUp.signal, await openUploadedFile(name));
  file.on('error', (error) => {
    if (!hangUp.signal.aborted) next(error);
  });
  if (hangUp.signal.aborted) return;
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  file.pipe(res);
});

// ---- thumbnails.ts (the red team's) ----
/**
 * Thumbnails: GET /files/:name/thumbnail. Making one reads the whole file,
 * so each is made once and kept until a new version of its file is uploaded.
 *
 * Variant: the module reads fileEvents 'changed' as an async iterator (events.on), started
 * once when the module loads, instead of adding a listener per request.
 */

const made = new Map<string, Buffer>();

(async () => {
  for await (const [changed] of on(fileEvents, 'changed')) made.delete(changed as string);
})().catch((error) => console.error('thumbnail invalidation stopped:', error));

const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  let thumbnail = made.get(name);
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, thumbnail);
  }
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
