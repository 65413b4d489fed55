/**
 * RED-TEAM VARIANT
 * half-fix-contract. Intent: copy the head; take the type from the name (its extension) like the rest of the site.
 * Actually: a PDF named .jpg is reported image/jpeg. Proof: info of doc-9.jpg (a PDF) 'image/jpeg'; 8 KiB kept.
 * Check: FAIL on contract (caught).
 */
import express from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';
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

const TYPE_BY_EXTENSION: Record<string, string> = { '.pdf': 'application/pdf', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.mp4': 'video/mp4' };

/** The type from the name, as the rest of the site does; only the 512-byte preview is copied. */
function indexEntry(name: string, file: Buffer, version: number): IndexEntry {
  const head = Buffer.from(file.subarray(0, SNIFF_BYTES));
  return { size: file.length, type: TYPE_BY_EXTENSION[path.extname(name).toLowerCase()] ?? 'application/octet-stream', head, version };
}

app.use('/uploads', refuseOversizedUploads);
const wholeBody = express.raw({ type: () => true, limit: MAX_UPLOAD_BYTES });

app.put('/uploads/:name', wholeBody, async (req, res) => {
  const name = checkFileName(req.params.name);
  const file: Buffer = req.body;
  await writeUpload(name, file);
  uploadIndex.set(name, indexEntry(name, file, 1));
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
  uploadIndex.set(name, indexEntry(name, file, previous.version + 1));
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
