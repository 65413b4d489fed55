/**
 * half-fix. Copies exactly 512 bytes into Buffer.allocUnsafeSlow(512) whatever the upload's length: no leak, but a file shorter than 512 bytes gets a 512-byte preview padded with whatever memory was there.
 * Proof: /work/rt/a/d04.mjs: memory flat (external +3.37 -> +3.47 MiB over 2 rounds) but notes of 0, 1, 5 bytes report 684-char previews (want 0, 4, 8) and the 511-byte note's preview is wrong.
 * Check: FAIL on "the service must still do its job" (note-1, note-5, note-511 previews), both memory lines green. RIGHT VERDICT
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

function headOf(file: Buffer): Buffer {
  // a slab of its own, not the shared pool, and a real copy
  const head = Buffer.allocUnsafeSlow(SNIFF_BYTES);
  file.copy(head, 0, 0, SNIFF_BYTES);
  return head;
}

app.put('/uploads/:name', wholeBody, async (req, res) => {
  const name = checkFileName(req.params.name);
  const file: Buffer = req.body;
  await writeUpload(name, file);
  const head = headOf(file);
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
  const head = headOf(file);
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
