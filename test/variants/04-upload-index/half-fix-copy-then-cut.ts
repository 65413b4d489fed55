/**
 * INTENDED: "copy, don't keep a view": Buffer.from(file) and then take the first 512 bytes.
 * ACTUALLY: copies the whole upload and keeps a view of the copy: same leak as before, twice the work.
 * PROOF: +47 MiB external after the check-like traffic. Check: FAIL 47.2 MiB.
 * The same code (comments aside) was also written, blind, as half-fix-copy-then-subarray.ts; it is checked once, here. Its notes:
 *   RED-TEAM VARIANT
 *   half-fix (still leaks). Intent: Buffer.from(file) makes our own copy, then take the head.
 *   Actually: copies the whole 2 MiB and keeps a view of the copy. Proof: 32768 KiB kept. Check: FAIL 32 MiB (caught).
 */
import express from 'express';
import { existsSync } from 'node:fs';
import { checkFileName, MAX_UPLOAD_BYTES, uploadPath, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { detectFileType, SNIFF_BYTES } from '#service/file-types';
import { refuseOversizedUploads } from '#service/upload-limits';

const app = express();

interface IndexEntry {
  size: number;
  type: string;
  /** The first bytes of the file: enough to tell its type and show a preview. */
  head: Buffer;
  version: number;
}

const uploadIndex = new Map<string, IndexEntry>();

app.use('/uploads', refuseOversizedUploads);
const wholeBody = express.raw({ type: () => true, limit: MAX_UPLOAD_BYTES });

app.put('/uploads/:name', wholeBody, async (req, res) => {
  const name = checkFileName(req.params.name);
  const file: Buffer = req.body;
  await writeUpload(name, file);
  const head = Buffer.from(file).subarray(0, SNIFF_BYTES);
  uploadIndex.set(name, { size: file.length, type: detectFileType(head), head, version: 1 });
  res.status(201).json({ name, bytes: file.length });
});

app.post('/uploads/:name/replace', wholeBody, async (req, res) => {
  const name = checkFileName(req.params.name);
  const previous = uploadIndex.get(name);
  if (!previous || !existsSync(uploadPath(name))) {
    res.status(404).json({ error: `no upload named "${name}" to replace` });
    return;
  }
  const file: Buffer = req.body;
  await writeUpload(name, file);
  const head = Buffer.from(file).subarray(0, SNIFF_BYTES);
  uploadIndex.set(name, { size: file.length, type: detectFileType(head), head, version: previous.version + 1 });
  res.json({ name, bytes: file.length, version: previous.version + 1 });
});

app.get('/uploads/:name/info', (req, res) => {
  const name = checkFileName(req.params.name);
  const entry = uploadIndex.get(name);
  if (!entry) {
    res.status(404).json({ error: `no upload named "${name}"` });
    return;
  }
  res.json({ name, size: entry.size, type: entry.type, version: entry.version, preview: entry.head.toString('base64') });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/report.pdf/info');
