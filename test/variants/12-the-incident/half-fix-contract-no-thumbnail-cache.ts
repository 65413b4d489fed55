/**
 * KIND: half-fix-contract. Intended: "the cache and its listeners are the leak: drop the cache, thumbnails are
 * cheap". Catalogue and downloads fixed.
 * Actually: no leak left, but each thumbnail request now reads the whole file again (the README: "each
 * thumbnail made once").
 * PROOF (by hand, variants/_hand/h12*.ts): no leak (0.0 MiB, 0 fds, 0 listeners) but 2 whole-file disk reads for 2 thumbnails of an unchanged file.
 * Its downloads look at res.destroyed once the file is open too, as the solution's do (before only, Node 24 leaks:
 * pipeline() into a response closed meanwhile leaves the file open), so that only its thumbnails are judged.
 */
import express from 'express';
import { Readable, pipeline as pipelineThen } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkFileName, fileEvents, openUploadedFile, readUploadedFile, uploadedFileSize, writeUpload } from '#service/storage';
import { SNIFF_BYTES, detectFileType } from '#service/file-types';
import { MAX_VIDEO_UPLOAD_BYTES, refuseUploadsLargerThan } from '#service/upload-limits';
import path from 'node:path';
import { THUMBNAIL_TYPE, makeThumbnail } from '#service/thumbnails';
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
  files.set(name, { name, size: body.length, uploadedAt: new Date(), head: Buffer.from(body.subarray(0, SNIFF_BYTES)) }); // a copy: a view would keep the whole upload
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

downloads.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const file = await openUploadedFile(name);
  // Closed while the file opened: Node 24's pipeline() would throw into it and leave the file open.
  if (res.destroyed) {
    file.destroy();
    return;
  }
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  // pipeline() destroys the file when the response closes early (the client hung up).
  pipelineThen(file, res, (error) => {
    if (error && !res.headersSent) next(error);
  });
});


export const thumbnails = express.Router();

thumbnails.get('/files/:name/thumbnail', async (req, res) => {
  const name = checkFileName(req.params.name);
  const thumbnail = makeThumbnail(await readUploadedFile(name));
  res.type(THUMBNAIL_TYPE).setHeader('cache-control', 'no-cache');
  res.send(thumbnail);
});

const app = express();
app.use(catalog);
app.use(thumbnails);
app.use(downloads);
app.use(answerErrors);

export default app;
