/**
 * RED-TEAM VARIANT
 * half-fix (still leaks). Intent: copy the 512-byte head in PUT.  Actually: the replace route still keeps a view of the whole upload.
 * Proof (variants/_probe/p04.ts, arrayBuffers delta): after 16 PUTs 8 KiB; after 8 replaces 16384 KiB. Check: FAIL 16 MiB (caught).
 * The same code (comments aside) was also written, blind, as half-fix-put-only-r14.ts; it is checked once, here. Its notes:
 *   half-fix. Copies the 512-byte head on PUT only; POST /replace still keeps a subarray, so every replacement keeps its whole body.
 *   Proof: /work/rt/a/d04.mjs (FG_UPLOADS_DIR=/work/rt/a/uploads; 16x2 MiB, 600 B..14 MiB, 64 receipts, 8 replaces, notes; 2 rounds): external +19.3 MiB after round 1, +35.4 MiB after round 2 (16 MiB per round = 8 replaced 2 MiB bodies).
 *   Check: FAIL on "bytes the upload index keeps" (16.0 MiB, path uploadIndex:22 -> .head 2.0 MiB) and "memory outside the JS heap" (16.1 MiB). RIGHT VERDICT
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
  const head = Buffer.from(file.subarray(0, SNIFF_BYTES)); // copy: do not keep the whole upload
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
  const head = file.subarray(0, SNIFF_BYTES);
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
