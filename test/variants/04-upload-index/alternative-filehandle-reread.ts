/**
 * INTENDED/ACTUAL: correct fix in another style: the index keeps no bytes of the request at all. After the
 *   upload is stored, its first 512 bytes are read back from disk with a FileHandle into a Buffer of exactly
 *   the bytes read, and the index keeps the base64 preview string (a flat 684-char string) and the type.
 * PROOF: see report.
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
  preview: string;
  version: number;
}

const uploadIndex = new Map<string, IndexEntry>();

async function readHead(name: string): Promise<Buffer> {
  const handle = await open(uploadPath(name), 'r');
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function store(name: string, file: Buffer, version: number): Promise<IndexEntry> {
  await writeUpload(name, file);
  const head = await readHead(name);
  const entry = { size: file.length, type: detectFileType(head), preview: head.toString('base64'), version };
  uploadIndex.set(name, entry);
  return entry;
}

app.use('/uploads', refuseOversizedUploads);
const wholeBody = express.raw({ type: () => true, limit: MAX_UPLOAD_BYTES });

app.put('/uploads/:name', wholeBody, async (req, res) => {
  const name = checkFileName(req.params.name);
  const file: Buffer = req.body;
  await store(name, file, 1);
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
  await store(name, file, previous.version + 1);
  res.json({ name, bytes: file.length, version: previous.version + 1 });
});

app.get('/uploads/:name/info', (req, res) => {
  const name = checkFileName(req.params.name);
  const entry = uploadIndex.get(name);
  if (!entry) {
    res.status(404).json({ error: `no upload named "${name}"` });
    return;
  }
  res.json({ name, size: entry.size, type: entry.type, version: entry.version, preview: entry.preview });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/report.pdf/info');
