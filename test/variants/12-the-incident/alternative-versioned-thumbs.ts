/**
 * INTENDED: head copied via latin1 round-trip; thumbnails without any listener (entry per name remembers ino:size:mtime, remade on mismatch); downloads: res 'close' hooked before the awaits + an `over` flag.
 * ACTUALLY: CORRECT.
 * PROOF: driver d12: 0 listeners, 0 fds; d12versions: 1000 re-uploads -> arrayBuffers +0.0 MiB.
 * Check: PASS. RIGHT.
 * One file: the red team's catalog.ts, thumbnails.ts and downloads.ts inlined below, put together as
 * server.ts does (share-app.ts).
 */
import express from 'express';
import type { ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { detectFileType, SNIFF_BYTES } from '#service/file-types';
import { checkFileName, fileEvents, writeUpload, FileNotFoundError, readUploadedFile, uploadPath, openUploadedFile, uploadedFileSize } from '#service/storage';
import { makeThumbnail, THUMBNAIL_TYPE } from '#service/thumbnails';
import { MAX_VIDEO_UPLOAD_BYTES, refuseUploadsLargerThan } from '#service/upload-limits';
import { shareApp } from './share-app.ts';

// ---- catalog.ts ----
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
  files.set(name, { name, size: body.length, uploadedAt: new Date(), head: Buffer.from(body.toString('latin1', 0, SNIFF_BYTES), 'latin1') });
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

// ---- thumbnails.ts ----
/**
 * Thumbnails: GET /files/:name/thumbnail. Making one reads the whole file,
 * so each is made once and kept until a new version of its file is uploaded.
 */

const made = new Map<string, { version: string; thumbnail: Buffer }>();

const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  // No listener: a thumbnail remembers which version of the file it was made from (a new version
  // is renamed into place, so it is a new inode), and is made again when that is not the file any more.
  const { ino, size, mtimeMs } = await stat(uploadPath(name)).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT' ? new FileNotFoundError(name) : error;
  });
  const version = `${ino}:${size}:${mtimeMs}`;
  let entry = made.get(name);
  if (!entry || entry.version !== version) {
    entry = { version, thumbnail: makeThumbnail(await readUploadedFile(name)) };
    made.set(name, entry);
  }
  const { thumbnail } = entry;
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

// ---- downloads.ts ----
/**
 * Downloads: GET /files/:name streams a shared file from disk, without
 * loading it into memory. Recordings are large, and people hang up all the
 * time: they close the tab, or their train enters a tunnel.
 */

const downloads = express.Router();

downloads.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  // Listen for the end before the first await: a client can hang up while we look the file up.
  let file: ReadStream | undefined;
  let over = false;
  res.once('close', () => {
    over = true;
    file?.destroy();
  });
  const size = await uploadedFileSize(name);
  file = await openUploadedFile(name);
  if (over) {
    file.destroy();
    return;
  }
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  file.on('error', next);
  file.pipe(res);
});

export default shareApp({ catalog, thumbnails, downloads });
