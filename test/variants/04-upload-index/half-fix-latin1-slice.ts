/**
 * RED-TEAM VARIANT
 * half-fix (still leaks). Intent: keep the head as a binary (latin1) string: strings never share memory with a Buffer.
 * Actually: file.toString('latin1') makes a 2 MiB (external) string and .slice(0, 512) is a V8 SlicedString that keeps its parent alive:
 * each index entry keeps the whole upload, now as a string instead of a Buffer.
 * Proof: external+heapUsed grows by 33256 KiB after 16 PUTs and 90753 KiB after 4 more 14 MiB uploads (correct base64 variant:
 * 482 / 624 KiB). Check: PASS 'yours 0 B' quiet and loaded -> SLIPPED (the measure only counts Buffers).
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
  /** The first bytes of the file, as a binary (latin1) string: a string never shares memory with the upload's Buffer. */
  head: string;
  version: number;
}

const uploadIndex = new Map<string, IndexEntry>();

app.use('/uploads', refuseOversizedUploads);
const wholeBody = express.raw({ type: () => true, limit: MAX_UPLOAD_BYTES });

app.put('/uploads/:name', wholeBody, async (req, res) => {
  const name = checkFileName(req.params.name);
  const file: Buffer = req.body;
  await writeUpload(name, file);
  const head = file.toString('latin1').slice(0, SNIFF_BYTES);
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
  const head = file.toString('latin1').slice(0, SNIFF_BYTES);
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
