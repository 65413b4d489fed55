/**
 * RED-TEAM VARIANT c02-stat-version-forawait (scenario 12). Changed: catalog.ts, downloads.ts, thumbnails.ts.
 * Change: head kept as body.toString(latin1, 0, 512) (a 512-char copy); downloads as a for-await loop with hand-made backpressure that stops when res is destroyed and destroys the file in finally; thumbnails with NO listener: each remembers the file version (ino/ctimeNs/mtimeNs/size from stat).
 * CORRECT (alternative).
 * Proof by hand (redteam/12/drivers/): drive.mjs +0.9 MiB, 0 fds, 0 listeners, features ok (stale/remade checks); drive-slow 11->11 MiB; drive-h18 0 re-reads; drive-views 3.4 B/view (noise).
 * Check now: PASS (3 of 3 leaks fixed). RIGHT.
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules (catalog.ts, downloads.ts, thumbnails.ts)
 *   inlined below.
 */
import express from 'express';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { detectFileType, SNIFF_BYTES } from '#service/file-types';
import { checkFileName, fileEvents, writeUpload, openUploadedFile, uploadedFileSize, FileNotFoundError, readUploadedFile, uploadPath } from '#service/storage';
import { makeThumbnail, THUMBNAIL_TYPE } from '#service/thumbnails';
import { MAX_VIDEO_UPLOAD_BYTES, refuseUploadsLargerThan } from '#service/upload-limits';
import { shareApp } from './share-app.ts';

// ---- catalog.ts (the red team's) ----
interface SharedFile {
  readonly name: string;
  readonly size: number;
  readonly uploadedAt: Date;
  /** The first bytes: the list tells each file's type from them, so a better detector reclassifies old files too. */
  readonly head: string;
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
const downloads = express.Router();

/** Resolves when the response can take more, or is gone; leaves no listener behind. */
function drainedOrGone(res: express.Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

downloads.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const file = await openUploadedFile(name);
  try {
    res.type(path.extname(name) || 'application/octet-stream');
    res.setHeader('content-length', size);
    res.setHeader('content-disposition', `attachment; filename="${name}"`);
    for await (const chunk of file) {
      if (res.destroyed) break;
      if (!res.write(chunk)) await drainedOrGone(res);
    }
    if (!res.destroyed) res.end();
  } finally {
    file.destroy();
  }
});

// ---- thumbnails.ts (the red team's) ----
const made = new Map<string, { version: string; thumbnail: Buffer }>();

async function versionOf(name: string): Promise<string> {
  try {
    const s = await stat(uploadPath(name), { bigint: true });
    return `${s.ino}:${s.ctimeNs}:${s.mtimeNs}:${s.size}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new FileNotFoundError(name);
    throw error;
  }
}

const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  const version = await versionOf(name);
  let thumbnail = made.get(name)?.version === version ? made.get(name)!.thumbnail : undefined;
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, { version, thumbnail });
  }
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

export default shareApp({ catalog, downloads, thumbnails });
