/**
 * half-fix. The head is taken with body.slice(0, SNIFF_BYTES), which on a Buffer is still a view of the whole upload (downloads.ts and thumbnails.ts carry a plain fix).
 * Proof: drv/drive12.mjs (FG_UPLOADS_DIR in /tmp, fs.stat/fs.open delayed 60 ms; 3 rounds of: 5 versions of draft.pdf each with its thumbnail, 3 new 4 MiB documents, one 8 MiB upload dropped at 4 MiB, 5 thumbnails of missing names, 2 HEAD, 1 full download, 4 hang-ups of a 32 MiB download during the 1st stat, 2nd stat, open and after 256 KiB): arrayBuffers +12 to +13 MiB a round (the whole body of every stored file stays).
 * Check: FAIL (Buffers 24.1 MiB, bar 256 KiB). Correct verdict.
 */
/**
 * The catalogue of shared files: uploads come in here, and the list and its
 * CSV export are read from here. It lives in memory and starts empty; the
 * files themselves are on disk, in the upload store.
 */
import express from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkFileName, fileEvents, writeUpload } from '#service/storage';
import { detectFileType, SNIFF_BYTES } from '#service/file-types';
import { MAX_VIDEO_UPLOAD_BYTES, refuseUploadsLargerThan } from '#service/upload-limits';

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
  files.set(name, { name, size: body.length, uploadedAt: new Date(), head: body.slice(0, SNIFF_BYTES) });
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
