/**
 * half-fix-contract. Intended: keep the per-request listener but remove it when the response closes (no listener left behind).
 * Actually: no leak, but nothing listens after the request, so a new version never invalidates the thumbnail: a stale thumbnail is served for ever.
 * Proof: share12.mjs: thumbRemade false after the re-upload of scan.pdf; 0 listeners, 0 fds.
 * Check: FAIL ('sent a thumbnail that is not the one of the file's latest version'). Correct verdict.
 * Its downloads look at res.destroyed once the file is open too, as the solution's do (before only, Node 24 leaks:
 * pipeline() into a response closed meanwhile leaves the file open), so that only its thumbnails are judged.
 */
// One-file version of Share (catalog.ts + downloads.ts + thumbnails.ts + server.ts), so that a variant is one file.
import express from 'express';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkFileName, fileEvents, writeUpload, openUploadedFile, uploadedFileSize, readUploadedFile } from '#service/storage';
import { detectFileType, SNIFF_BYTES } from '#service/file-types';
import { MAX_VIDEO_UPLOAD_BYTES, refuseUploadsLargerThan } from '#service/upload-limits';
import { makeThumbnail, THUMBNAIL_TYPE } from '#service/thumbnails';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

// ---- catalog.ts
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

export const catalog = express.Router();

/** Recordings of meetings are the largest files people share. */
const MAX_FILE_BYTES = MAX_VIDEO_UPLOAD_BYTES;

const wholeFile = express.raw({ type: () => true, limit: MAX_FILE_BYTES });

catalog.put('/files/:name', refuseUploadsLargerThan(MAX_FILE_BYTES), wholeFile, async (req, res) => {
  const name = checkFileName(String(req.params.name));
  const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const replacing = files.has(name);
  await writeUpload(name, body);
  files.set(name, { name, size: body.length, uploadedAt: new Date(), head: Buffer.from(body.subarray(0, SNIFF_BYTES)) });
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

// ---- thumbnails.ts
/**
 * Thumbnails: GET /files/:name/thumbnail. Making one reads the whole file,
 * so each is made once and kept until a new version of its file is uploaded.
 */

const made = new Map<string, Buffer>();

export const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  let thumbnail = made.get(name);
  if (!thumbnail) {
    thumbnail = makeThumbnail(await readUploadedFile(name));
    made.set(name, thumbnail);
  }
  // A new version of the file makes its thumbnail stale (listen while this request runs, not for ever).
  const stale = (changed: string) => {
    if (changed === name) made.delete(name);
  };
  fileEvents.on('changed', stale);
  res.once('close', () => fileEvents.off('changed', stale));
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

// ---- downloads.ts
/**
 * Downloads: GET /files/:name streams a shared file from disk, without
 * loading it into memory. Recordings are large, and people hang up all the
 * time: they close the tab, or their train enters a tunnel.
 */

export const downloads = express.Router();

downloads.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  if (res.destroyed) return;
  const file = await openUploadedFile(name);
  // Closed while the file opened: Node 24's pipeline() would throw into it and leave the file open.
  if (res.destroyed) {
    file.destroy();
    return;
  }
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  // pipeline destroys the file when the response closes early, even if it already has.
  pipeline(file, res).catch((error: NodeJS.ErrnoException) => {
    if (!res.destroyed) next(error);
  });
});

const app = express();
app.use(catalog);
app.use(thumbnails);
app.use(downloads);
app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files');
