/**
 * The red team's correct-versioned.ts (correct fix): The catalogue counts versions per name (fileVersion()); a
 *   ThumbnailCache tags each thumbnail with its version (no listener at all); downloads close the file on res
 *   'close' (added before the awaits) and check a `gone` flag after the open.
 * Hand proof: drive.ts: fds 0, listeners 0, arrayBuffers +0.03 MiB, no contract problem.
 * Check now: PASS (3 of 3 leaks fixed).
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules inlined below,
 *   the others imported.
 */
import express from 'express';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { detectFileType, SNIFF_BYTES } from '#service/file-types';
import { checkFileName, fileEvents, writeUpload, openUploadedFile, uploadedFileSize, readUploadedFile } from '#service/storage';
import { makeThumbnail, THUMBNAIL_TYPE } from '#service/thumbnails';
import { MAX_VIDEO_UPLOAD_BYTES, refuseUploadsLargerThan } from '#service/upload-limits';
import { shareApp } from './share-app.ts';

// ---- catalog-versioned.ts (the red team's catalog.ts) ----
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
/** How many versions of each name were uploaded: whoever keeps something made from a file compares it. */
const versions = new Map<string, number>();
function fileVersion(name: string): number {
  return versions.get(name) ?? 0;
}

const catalog = express.Router();

/** Recordings of meetings are the largest files people share. */
const MAX_FILE_BYTES = MAX_VIDEO_UPLOAD_BYTES;

const wholeFile = express.raw({ type: () => true, limit: MAX_FILE_BYTES });

catalog.put('/files/:name', refuseUploadsLargerThan(MAX_FILE_BYTES), wholeFile, async (req, res) => {
  const name = checkFileName(String(req.params.name));
  const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const replacing = files.has(name);
  await writeUpload(name, body);
  files.set(name, { name, size: body.length, uploadedAt: new Date(), head: Buffer.from(body.subarray(0, SNIFF_BYTES)) });
  versions.set(name, (versions.get(name) ?? 0) + 1);
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

// ---- downloads-handwritten.ts (the red team's downloads.ts) ----
const downloads = express.Router();

downloads.get('/files/:name', async (req, res, next) => {
  // Whatever happens, the file goes when the response goes: listen before the first await.
  let file: Readable | undefined;
  let gone = false;
  res.once('close', () => {
    gone = true;
    file?.destroy();
  });
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  file = await openUploadedFile(name);
  if (gone) {
    file.destroy(); // hung up while we were opening it
    return;
  }
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  file.on('error', next);
  file.pipe(res);
});

// ---- thumbnails-versioned.ts (the red team's thumbnails.ts) ----
/** Thumbnails, each tagged with the version of the file it was made from: a newer version makes it stale. */
class ThumbnailCache {
  readonly #made = new Map<string, { version: number; thumbnail: Buffer }>();

  async get(name: string): Promise<Buffer> {
    const version = fileVersion(name);
    const cached = this.#made.get(name);
    if (cached && cached.version === version) return cached.thumbnail;
    const thumbnail = makeThumbnail(await readUploadedFile(name));
    // Only keep it if no newer version arrived while we read the file.
    if (fileVersion(name) === version) this.#made.set(name, { version, thumbnail });
    return thumbnail;
  }
}

const cache = new ThumbnailCache();

const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  const thumbnail = await cache.get(name);
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
