/**
 * RED-TEAM VARIANT c01-lru-finished (scenario 12). Changed: catalog.ts, downloads.ts, thumbnails.ts.
 * Change: Buffer.copyBytesFrom head; stream.finished(res) -> file.destroy() plus an res.destroyed check for clients gone before; thumbnails in an lru-cache (max 10 000 x 4 KiB) with one module listener.
 * CORRECT (alternative).
 * Proof by hand (redteam/12/drivers/): drive.mjs +1.0 MiB, 0 fds, 1 listener, features ok; drive-h19 0 fds after 5 s; drive-slow 11->12 MiB; drive-views 1.8 B/view.
 * Check now: PASS (3 of 3 leaks fixed). RIGHT.
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules (catalog.ts, downloads.ts, thumbnails.ts)
 *   inlined below.
 */
import express from 'express';
import path from 'node:path';
import { Readable, finished } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LRUCache } from 'lru-cache';
import { detectFileType, SNIFF_BYTES } from '#service/file-types';
import { checkFileName, fileEvents, writeUpload, openUploadedFile, uploadedFileSize, readUploadedFile } from '#service/storage';
import { makeThumbnail, THUMBNAIL_TYPE } from '#service/thumbnails';
import { MAX_VIDEO_UPLOAD_BYTES, refuseUploadsLargerThan } from '#service/upload-limits';
import { shareApp } from './share-app.ts';

// ---- catalog.ts (the red team's) ----
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
  files.set(name, { name, size: body.length, uploadedAt: new Date(), head: Buffer.copyBytesFrom(body, 0, Math.min(body.length, SNIFF_BYTES)) });
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

// ---- downloads.ts (the red team's) ----
const downloads = express.Router();

downloads.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const file = await openUploadedFile(name);
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  file.on('error', next);
  // However the response ends (sent, or the client gone, even before this line), the file is closed.
  finished(res, () => file.destroy());
  if (res.destroyed) file.destroy();
  file.pipe(res);
});

// ---- thumbnails.ts (the red team's) ----
const made = new LRUCache<string, Buffer>({ max: 10_000 }); // 4 KiB each: at most 40 MiB

// One listener for the module, not one per request: a new version makes its thumbnail stale.
fileEvents.on('changed', (changed: string) => made.delete(changed));

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
