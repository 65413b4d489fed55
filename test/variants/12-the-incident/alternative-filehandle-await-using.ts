/**
 * KIND: correct
 * INTENDED: downloads read through a FileHandle disposed with `await using` when the download is over
 *           (stream.finished on the response, whatever way it ended); one module-level listener for thumbnails.
 * ACTUALLY: right: the FileHandle is closed by `await using` as soon as finished(res) settles (finish, hang-up, or already closed).
 * PROOF: drive12.mjs: 1 listener, 0 fds, 0 MiB at t+0.5 s; features OK.
 * Check: PASS. RIGHT.
 *
 * (scenarios/12-the-incident's four modules bundled into one file; the head copy in catalog is fixed in every variant.)
 */
import express from 'express';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkFileName, fileEvents, openUploadedFile, readUploadedFile, uploadedFileSize, uploadPath, writeUpload } from '#service/storage';
import { detectFileType, SNIFF_BYTES } from '#service/file-types';
import { MAX_VIDEO_UPLOAD_BYTES, refuseUploadsLargerThan } from '#service/upload-limits';
import { makeThumbnail, THUMBNAIL_TYPE } from '#service/thumbnails';
import { open } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

// ---- catalog.ts ----
interface SharedFile {
  readonly name: string;
  readonly size: number;
  readonly uploadedAt: Date;
  readonly head: Buffer;
}

const files = new Map<string, SharedFile>();

const catalog = express.Router();

const MAX_FILE_BYTES = MAX_VIDEO_UPLOAD_BYTES;

const wholeFile = express.raw({ type: () => true, limit: MAX_FILE_BYTES });

catalog.put('/files/:name', refuseUploadsLargerThan(MAX_FILE_BYTES), wholeFile, async (req, res) => {
  const name = checkFileName(String(req.params.name));
  const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const replacing = files.has(name);
  await writeUpload(name, body);
  files.set(name, { name, size: body.length, uploadedAt: new Date(), head: Buffer.from(body.subarray(0, SNIFF_BYTES)) });
  if (replacing) fileEvents.emit('changed', name);
  res.status(replacing ? 200 : 201).json({ name, size: body.length });
});

function describe(file: SharedFile) {
  return { name: file.name, size: file.size, type: detectFileType(file.head), uploadedAt: file.uploadedAt.toISOString() };
}

catalog.get('/files', (_req, res) => {
  res.json([...files.values()].map(describe));
});

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

// ---- downloads.ts ----
const downloads = express.Router();

downloads.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  await using handle = await open(uploadPath(name));
  const file = handle.createReadStream({ autoClose: false, end: Math.max(size - 1, 0) });
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  file.on('error', next);
  file.pipe(res);
  await finished(res).catch(() => undefined);
  file.destroy();
});

// ---- thumbnails.ts ----
const made = new Map<string, Buffer>();

const thumbnails = express.Router();

// A new version of a file makes its thumbnail stale: one listener for the module, not one per request.
fileEvents.on('changed', (changed: string) => made.delete(changed));

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

// ---- server.ts ----
const app = express();

app.use(catalog);
app.use(thumbnails);
app.use(downloads);
app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files');
