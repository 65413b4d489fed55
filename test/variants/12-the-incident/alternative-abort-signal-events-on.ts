/**
 * The red team's correct-signal.ts (correct fix): Head copied with Buffer.copyBytesFrom; thumbnails invalidated by
 *   a module-level `for await (... of events.on(fileEvents, 'changed'))`; downloads: an AbortController aborted on
 *   res 'close' (registered before the awaits) and stream.addAbortSignal on the file.
 * Hand proof: drive.ts: fds 0, listeners 0, arrayBuffers +0.03 MiB, no contract problem.
 * Check now: PASS (3 of 3 leaks fixed).
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules inlined below,
 *   the others imported.
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

// ---- catalog-copybytes.ts (the red team's catalog.ts) ----
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
  readonly head: Buffer;
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
  files.set(name, { name, size: body.length, uploadedAt: new Date(), head: Buffer.copyBytesFrom(body, 0, SNIFF_BYTES) });
  // Whoever keeps something made from the old version (a thumbnail) must drop it.
  if (replacing) fileEvents.emit('changed', name);
  res.status(replacing ? 200 : 201).json({ name, size: body.length });
});

function describe(file: SharedFile) {
  return { name: file.name, size: file.size, type: detectFileType(file.head), uploadedAt: file.uploadedAt.toISOString() };
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

// ---- downloads-signal.ts (the red team's downloads.ts) ----
const downloads = express.Router();

downloads.get('/files/:name', async (req, res, next) => {
  // Aborted when the response closes: the client hung up, or the download is over.
  const hangUp = new AbortController();
  res.once('close', () => hangUp.abort());
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const file = await openUploadedFile(name);
  // Destroys the file on hang-up, at once if the client already left while we opened it.
  addAbortSignal(hangUp.signal, file);
  file.on('error', (err) => {
    if (!hangUp.signal.aborted) next(err);
  });
  if (hangUp.signal.aborted) return;
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  file.pipe(res);
});

// ---- thumbnails-iterator.ts (the red team's thumbnails.ts) ----
const made = new Map<string, Buffer>();

const thumbnails = express.Router();

// A new version of a file makes its thumbnail stale: one consumer of 'changed' for the module's lifetime.
void (async () => {
  for await (const [changed] of on(fileEvents, 'changed')) made.delete(changed as string);
})();

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
