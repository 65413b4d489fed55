/**
 * alternative. The index keeps no bytes: size, type (found at upload) and version; GET /info reads the first min(size, 512) bytes from the stored file with fs/promises open/read, closing the handle in finally.
 * Proof: /work/rt/a/d04.mjs: external +3.32 -> +3.38 MiB over 2 rounds, every preview (incl. short notes) and type correct, 404/400/413 correct.
 * Check: PASS (576 B, 15.4 KiB). RIGHT VERDICT
 */
import express from 'express';
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { checkFileName, MAX_UPLOAD_BYTES, uploadPath, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { detectFileType, SNIFF_BYTES } from '#service/file-types';
import { refuseOversizedUploads } from '#service/upload-limits';

const app = express();

interface IndexEntry {
  size: number;
  type: string;
  version: number;
}

const uploadIndex = new Map<string, IndexEntry>();

app.use('/uploads', refuseOversizedUploads);
const wholeBody = express.raw({ type: () => true, limit: MAX_UPLOAD_BYTES });

app.put('/uploads/:name', wholeBody, async (req, res) => {
  const name = checkFileName(req.params.name);
  const file: Buffer = req.body;
  await writeUpload(name, file);
  uploadIndex.set(name, { size: file.length, type: detectFileType(file.subarray(0, SNIFF_BYTES)), version: 1 });
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
  uploadIndex.set(name, { size: file.length, type: detectFileType(file.subarray(0, SNIFF_BYTES)), version: previous.version + 1 });
  res.json({ name, bytes: file.length, version: previous.version + 1 });
});

/** The preview is read from the stored file when asked for: the index keeps no bytes at all. */
async function previewOf(name: string, size: number): Promise<string> {
  const handle = await open(uploadPath(name), 'r');
  try {
    const head = Buffer.alloc(Math.min(size, SNIFF_BYTES));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead).toString('base64');
  } finally {
    await handle.close();
  }
}

app.get('/uploads/:name/info', async (req, res) => {
  const name = checkFileName(req.params.name);
  const entry = uploadIndex.get(name);
  if (!entry) {
    res.status(404).json({ error: `no upload named "${name}"` });
    return;
  }
  res.json({ name, size: entry.size, type: entry.type, version: entry.version, preview: await previewOf(name, entry.size) });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/report.pdf/info');
