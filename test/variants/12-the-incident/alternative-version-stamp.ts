/**
 * VARIANT alternative-version-stamp
 *
 * CORRECT (other style). No event listener: catalog.ts keeps a version per file (bumped by every
 * upload) and exports versionOf(); thumbnails.ts keeps {version, thumbnail} and remakes when the
 * catalogue's version differs. Head copied with Uint8Array.prototype.slice. Downloads: awaited
 * stream/promises pipeline. Proof: flat fds/listeners/heap after 300 each of aborted downloads
 * (all kinds), paused viewers, repeated thumbnails, draft saves, missing names, distinct uploads,
 * HEAD; contract: thumbnail kept across GC (0 reads), remade on new version, a once-404 name works
 * after upload, 404/400/413, byte-exact download. Check: PASS.
 * Check now: PASS, as before. RIGHT.
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules (catalog.ts, downloads.ts, thumbnails.ts)
 *   inlined below, the others imported from the solution.
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
  readonly head: Uint8Array;
  /** Bumped by every upload under this name: whoever made something from a file compares it. */
  readonly version: number;
}

let uploads = 0;

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
  // Uint8Array.prototype.slice copies (Buffer's slice and subarray would share the whole upload's memory).
  const head = Uint8Array.prototype.slice.call(body, 0, SNIFF_BYTES);
  files.set(name, { name, size: body.length, uploadedAt: new Date(), head, version: ++uploads });
  // Whoever keeps something made from the old version (a thumbnail) must drop it.
  if (replacing) fileEvents.emit('changed', name);
  res.status(replacing ? 200 : 201).json({ name, size: body.length });
});

/** The version of a shared file, or undefined if the catalogue has none under that name. */
export function versionOf(name: string): number | undefined {
  return files.get(name)?.version;
}

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
 * Variant: the promise form of pipeline, awaited; it destroys the file when the response
 * closes first (also when it closed during the awaits before it).
 */

const downloads = express.Router();

downloads.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const file = await openUploadedFile(name);
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  try {
    await pipeline(file, res);
  } catch (error) {
    // A client that hung up is not an error of ours; anything else goes to answerErrors.
    if (!res.destroyed) throw error;
  }
});

// ---- thumbnails.ts (the red team's) ----
/**
 * Thumbnails: GET /files/:name/thumbnail. Making one reads the whole file,
 * so each is made once and kept until a new version of its file is uploaded.
 *
 * Variant: no event listener at all. Each thumbnail is kept with the catalogue version of the
 * file it was made from, and made again when the catalogue's version differs.
 */

const made = new Map<string, { version: number | undefined; thumbnail: Buffer }>();

const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  const version = versionOf(name);
  let kept = made.get(name);
  if (!kept || kept.version !== version) {
    kept = { version, thumbnail: makeThumbnail(await readUploadedFile(name)) };
    made.set(name, kept);
  }
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(kept.thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
