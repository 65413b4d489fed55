/**
 * VARIANT alternative-class-lru-finished
 *
 * CORRECT (other style). A ThumbnailCache class on lru-cache bounded by bytes (256 MiB) with one
 * bound method subscribed in its constructor; downloads use stream.finished(res, () =>
 * file.destroy()) after the awaits (finished() calls back at once for an already-closed response);
 * head copied with Buffer.copyBytesFrom. Proof: flat after 200 each of every client kind incl.
 * early hang-ups; contract checks good. Check: PASS.
 * Check now: PASS, as before. RIGHT.
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules (catalog.ts, downloads.ts, thumbnails.ts)
 *   inlined below, the others imported from the solution.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import path from 'node:path';
import { Readable, finished } from 'node:stream';
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

// ---- downloads.ts (the red team's) ----
/**
 * Downloads: GET /files/:name streams a shared file from disk.
 * Variant: stream.finished(res) destroys the file however the response ends (finished,
 * or closed by a client that hung up, even one that was gone before the file was open:
 * finished() calls back at once for a response that is already closed).
 */

const downloads = express.Router();

downloads.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const file = await openUploadedFile(name);
  finished(res, () => file.destroy());
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  file.on('error', next);
  file.pipe(res);
});

// ---- thumbnails.ts (the red team's) ----
/**
 * Thumbnails: GET /files/:name/thumbnail. Making one reads the whole file,
 * so each is made once and kept until a new version of its file is uploaded.
 *
 * Variant: a ThumbnailCache class on lru-cache, bounded by bytes (256 MiB of thumbnails, about
 * 65 000 files), that subscribes one bound method to fileEvents in its constructor.
 */

class ThumbnailCache {
  readonly #kept = new LRUCache<string, Buffer>({ maxSize: 256 * 1024 * 1024, sizeCalculation: (thumbnail) => thumbnail.length });

  constructor(events: typeof fileEvents) {
    this.forget = this.forget.bind(this);
    events.on('changed', this.forget);
  }

  forget(name: string): void {
    this.#kept.delete(name);
  }

  async get(name: string): Promise<Buffer> {
    let thumbnail = this.#kept.get(name);
    if (!thumbnail) {
      thumbnail = makeThumbnail(await readUploadedFile(name));
      this.#kept.set(name, thumbnail);
    }
    return thumbnail;
  }
}

const cache = new ThumbnailCache(fileEvents);

const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const thumbnail = await cache.get(checkFileName(req.params.name));
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
