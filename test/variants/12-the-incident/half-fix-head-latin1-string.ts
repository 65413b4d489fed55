/**
 * The red team's half-string-head.ts (half fix): Head kept as text: body.toString('latin1').slice(0, 512), a
 *   sliced string that keeps the whole file's string (outside V8's heap for a file over about 1 MiB).
 * Hand proof: drive.ts: external strings +20 MiB (the 5 x 4 MiB docs); grow.ts: +80 MiB per round of 5 x 16 MiB
 *   uploads, rss 86 -> 483 MiB.
 * Check now: FAIL: Leak 1 (large strings held outside the JS heap after the traffic: 6). WRONG PASS before this
 *   round (Buffers only).
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules inlined below,
 *   the others imported.
 */
import express from 'express';
import path from 'node:path';
import { Readable, pipeline as pipelineWithCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { detectFileType, SNIFF_BYTES } from '#service/file-types';
import { checkFileName, fileEvents, writeUpload, openUploadedFile, uploadedFileSize } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, refuseUploadsLargerThan } from '#service/upload-limits';
import { thumbnails } from '../../../solutions/12-the-incident/thumbnails.ts';
import { shareApp } from './share-app.ts';

// ---- catalog-string.ts (the red team's catalog.ts) ----
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
  files.set(name, { name, size: body.length, uploadedAt: new Date(), head: body.toString('latin1').slice(0, SNIFF_BYTES) });
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

// ---- downloads-pipeline.ts (the red team's downloads.ts) ----
const downloads = express.Router();

downloads.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await uploadedFileSize(name);
  const file = await openUploadedFile(name);
  res.type(path.extname(name) || 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  // pipeline destroys the file when the response ends early (hang-up) or fails.
  pipelineWithCallback(file, res, (err) => {
    if (err && !res.headersSent) next(err);
  });
});

export default shareApp({ catalog, downloads, thumbnails });
