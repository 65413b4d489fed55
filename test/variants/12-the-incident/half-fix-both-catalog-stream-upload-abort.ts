/**
 * VARIANT half-fix-catalog-stream-upload-abort (filed here as half-fix-both-: it breaks the contract too)
 *
 * HALF FIX (new leak on a path the check never drives). catalog.ts streams uploads to disk with
 * createUploadStream/commitUpload instead of express.raw (so nothing keeps the body) and keeps a
 * copied 512-byte head; downloads and thumbnails fixed as in _base. When a client hangs up in the
 * middle of a PUT, req.pipe(out) is simply unpiped: the WriteStream is never ended or destroyed
 * and discardUpload is never called. Proof: 200 PUTs of 4 MiB that hang up after 256 KiB: fds 27
 * -> 227 and 200 '.partial' files left in the uploads folder (_base: flat, 0 files). The
 * incident's EMFILE, again, from uploads. Check: PASS (its traffic never aborts an upload).
 * Check now: FAIL (PASS before): 6 descriptors of scan-N.pdf.partial left open by the dropped uploads (counted
 *   against leak 1, the catalogue's, when catalog.ts is its own file), and the contract: 6 partial files left in the
 *   uploads folder.
 * One file: the server as server.ts puts it together (share-app.ts), the red team's changed modules (catalog.ts)
 *   inlined below, the others imported from the solution.
 */
import express from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { detectFileType, SNIFF_BYTES } from '#service/file-types';
import { checkFileName, commitUpload, createUploadStream, discardUpload, fileEvents } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, refuseUploadsLargerThan, UploadTooLargeError } from '#service/upload-limits';
import { downloads } from '../../../solutions/12-the-incident/downloads.ts';
import { thumbnails } from '../../../solutions/12-the-incident/thumbnails.ts';
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
  readonly head: Buffer;
}

const files = new Map<string, SharedFile>();

const catalog = express.Router();

/** Recordings of meetings are the largest files people share. */
const MAX_FILE_BYTES = MAX_VIDEO_UPLOAD_BYTES;

/**
 * Variant: uploads are streamed to disk (createUploadStream, commitUpload) instead of being
 * held whole in memory, and only the first SNIFF_BYTES are kept, copied. Nothing is done when
 * the client hangs up in the middle of an upload.
 */
catalog.put('/files/:name', refuseUploadsLargerThan(MAX_FILE_BYTES), async (req, res, next) => {
  const name = checkFileName(String(req.params.name));
  const replacing = files.has(name);
  const out = await createUploadStream(name);
  let size = 0;
  let head = Buffer.alloc(0);
  let refused = false;
  req.pipe(out);
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
    if (size > MAX_FILE_BYTES && !refused) {
      // Sent without a content-length, and too large: stop writing it and answer 413.
      refused = true;
      req.unpipe(out);
      out.destroy();
      discardUpload(name).then(() => next(new UploadTooLargeError(MAX_FILE_BYTES)), next);
    }
  });
  out.on('finish', () => {
    if (refused) return;
    commitUpload(name).then(() => {
      files.set(name, { name, size, uploadedAt: new Date(), head });
      // Whoever keeps something made from the old version (a thumbnail) must drop it.
      if (replacing) fileEvents.emit('changed', name);
      res.status(replacing ? 200 : 201).json({ name, size });
    }, next);
  });
  out.on('error', next);
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

export default shareApp({ catalog, downloads, thumbnails });
