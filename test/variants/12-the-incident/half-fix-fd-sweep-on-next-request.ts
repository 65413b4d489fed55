/**
 * INTENDED: leaks 1 and 3 fixed as usual (catalog.ts copies the 512-byte
 *   head; thumbnails.ts has one module-level `changed` listener). For leak 2,
 *   downloads.ts keeps a map of the files being streamed, and each download
 *   first closes the files of the downloads that are over.
 * ACTUALLY: LEAKS until the next download: a recording whose client hung up
 *   keeps its descriptor open for as long as nobody downloads anything (the
 *   night after the all-hands), and a burst of hang-ups holds one each.
 * PROOF: by hand: 6 recordings cut off after 1 MiB, 6 descriptors open 10 s
 *   later; the next download closes them.
 * Check: FAIL on leak 2, named as closed by the handler of a later request,
 *   at the line that opened the file.
 */
import express, { type Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkFileName, fileEvents, writeUpload, openUploadedFile, uploadedFileSize, readUploadedFile } from '#service/storage';
import { detectFileType, SNIFF_BYTES } from '#service/file-types';
import { MAX_VIDEO_UPLOAD_BYTES, refuseUploadsLargerThan } from '#service/upload-limits';
import path from 'node:path';
import type { ReadStream } from 'node:fs';
import { makeThumbnail, THUMBNAIL_TYPE } from '#service/thumbnails';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
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

/**
 * Downloads: GET /files/:name streams a shared file from disk, without
 * loading it into memory. Recordings are large, and people hang up all the
 * time: they close the tab, or their train enters a tunnel.
 */

export const downloads = express.Router();

// Files of downloads whose client hung up are closed when the next download comes.
const streaming = new Map<ReadStream, Response>();

downloads.get('/files/:name', async (req, res, next) => {
  for (const [file, response] of streaming) {
    if (file.destroyed || response.destroyed || response.writableFinished) {
      file.destroy();
      streaming.delete(file);
    }
  }
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const file = await openUploadedFile(name);
  streaming.set(file, res);
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  file.on('error', next);
  file.pipe(res);
});

/**
 * Thumbnails: GET /files/:name/thumbnail. Making one reads the whole file,
 * so each is made once and kept until a new version of its file is uploaded.
 */

const made = new Map<string, Buffer>();

export const thumbnails = express.Router();

// A new version of a file makes its thumbnail stale: one listener for the whole module.
fileEvents.on('changed', (changed: string) => {
  made.delete(changed);
});

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

/**
 * Share, the team's file-sharing service. People upload files of up to
 * 64 MiB (recordings of meetings, scans, photos), find them in the list,
 * download them, and see a thumbnail of each.
 *
 *   PUT /files/:name             upload; a new version under the same name replaces the old
 *   GET /files                   the list: name, size, type, when it was uploaded
 *   GET /files/:name             download
 *   GET /files/:name/thumbnail   a 64 × 64 thumbnail (PGM)
 *   GET /export.csv              the list as CSV, for the monthly storage report
 *
 * Each part lives in its own module: catalog.ts, downloads.ts, thumbnails.ts.
 */

const app = express();

app.use(catalog);
app.use(thumbnails);
app.use(downloads);
app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files');
