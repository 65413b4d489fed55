/**
 * half-fix. Head copied (plain fix), but each stored file now carries the history of its earlier versions ({size, uploadedAt}), copied forward on every new version for a "versions" column: one record per save, for ever (downloads.ts and thumbnails.ts plainly fixed).
 * Proof: drv/extra12.mjs versions: a second batch of 2000 new versions of one file: list says versions 4001, heap +183 B per version against +50 B for the reference fix.
 * Check: FAIL (records 219, bar 36). Correct verdict.
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
  /** Every earlier version (size and when), for the "versions" column of the list. */
  readonly history: readonly { readonly size: number; readonly uploadedAt: Date }[];
}

const files = new Map<string, SharedFile>();

export const catalog = express.Router();

/** Recordings of meetings are the largest files people share. */
const MAX_FILE_BYTES = MAX_VIDEO_UPLOAD_BYTES;

const wholeFile = express.raw({ type: () => true, limit: MAX_FILE_BYTES });

catalog.put('/files/:name', refuseUploadsLargerThan(MAX_FILE_BYTES), wholeFile, async (req, res) => {
  const name = checkFileName(String(req.params.name));
  const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const previous = files.get(name);
  const replacing = previous !== undefined;
  await writeUpload(name, body);
  const history = previous ? [...previous.history, { size: previous.size, uploadedAt: previous.uploadedAt }] : [];
  files.set(name, { name, size: body.length, uploadedAt: new Date(), head: Buffer.from(body.subarray(0, SNIFF_BYTES)), history });
  // Whoever keeps something made from the old version (a thumbnail) must drop it.
  if (replacing) fileEvents.emit('changed', name);
  res.status(replacing ? 200 : 201).json({ name, size: body.length });
});

function describe(file: SharedFile) {
  return { name: file.name, size: file.size, type: detectFileType(file.head), uploadedAt: file.uploadedAt.toISOString(), versions: file.history.length + 1 };
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
