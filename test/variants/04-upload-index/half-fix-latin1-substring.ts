/**
 * half-fix. Keeps the head as a string, file.toString('latin1').slice(0, 512): a sliced string that keeps the whole upload-sized string (external above ~1 MiB, on the heap below).
 * Proof: /work/rt/a/d04.mjs: arrayBuffers flat (+2.2 MiB) but external +49.4 MiB after round 1, +95.5 MiB after round 2; heapUsed +7.0 -> +11.6 MiB.
 * Check: FAIL on both lines (4.2 MiB, path uploadIndex:22 -> sliced string .head 900 KiB; external 46.0 MiB). RIGHT VERDICT
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
  /** The first bytes of the file as a latin1 string (one char per byte): no Buffer kept. */
  head: string;
  version: number;
}

const uploadIndex = new Map<string, IndexEntry>();

app.use('/uploads', refuseOversizedUploads);
const wholeBody = express.raw({ type: () => true, limit: MAX_UPLOAD_BYTES });

function headOf(file: Buffer): string {
  return file.toString('latin1').slice(0, SNIFF_BYTES);
}

app.put('/uploads/:name', wholeBody, async (req, res) => {
  const name = checkFileName(req.params.name);
  const file: Buffer = req.body;
  await writeUpload(name, file);
  const head = headOf(file);
  uploadIndex.set(name, { size: file.length, type: detectFileType(Buffer.from(head, 'latin1')), head, version: 1 });
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
  const head = headOf(file);
  uploadIndex.set(name, { size: file.length, type: detectFileType(Buffer.from(head, 'latin1')), head, version: previous.version + 1 });
  res.json({ name, bytes: file.length, version: previous.version + 1 });
});

app.get('/uploads/:name/info', (req, res) => {
  const name = checkFileName(req.params.name);
  const entry = uploadIndex.get(name);
  if (!entry) {
    res.status(404).json({ error: `no upload named "${name}"` });
    return;
  }
  res.json({ name, size: entry.size, type: entry.type, version: entry.version, preview: Buffer.from(entry.head, 'latin1').toString('base64') });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/report.pdf/info');
