/**
 * RED-TEAM VARIANT
 * half-fix (still leaks + broken). Intent: Buffer.from(file.buffer, file.byteOffset, 512) as 'a new 512-byte Buffer'.
 * Actually: that form is a VIEW of the same ArrayBuffer (no copy); and for uploads shorter than 512 B it reads past the file
 * into unrelated pool memory, which the preview then discloses.
 * Proof: 32768 KiB kept after 16 PUTs; 2-byte upload 'hi' previews 512 bytes incl. other JSON responses' bytes. Check: FAIL 32 MiB (caught).
 * Since the check uploads files shorter than a preview, it fails the contract too: a half fix of both kinds.
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
  const head = Buffer.from(file.buffer, file.byteOffset, SNIFF_BYTES); // a new Buffer of 512 bytes
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
  const head = Buffer.from(file.buffer, file.byteOffset, SNIFF_BYTES);
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
