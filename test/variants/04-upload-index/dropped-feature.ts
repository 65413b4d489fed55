/**
 * Scenario 04 without its index: nothing is kept, so nothing leaks, but the
 * info endpoint only knows what the disk says (no type from the bytes, no
 * preview). Must fail the contract only.
 */
import express from 'express';
import { stat } from 'node:fs/promises';
import { checkFileName, MAX_UPLOAD_BYTES, uploadPath, writeUpload } from '#service/storage';
import { answerErrors } from '#service/http-errors';
import { refuseOversizedUploads } from '#service/upload-limits';

const app = express();

app.use('/uploads', refuseOversizedUploads);
const wholeBody = express.raw({ type: () => true, limit: MAX_UPLOAD_BYTES });

app.put('/uploads/:name', wholeBody, async (req, res) => {
  const name = checkFileName(req.params.name);
  const file: Buffer = req.body;
  await writeUpload(name, file);
  res.status(201).json({ name, bytes: file.length });
});

app.post('/uploads/:name/replace', wholeBody, async (req, res) => {
  const name = checkFileName(req.params.name);
  const existing = await stat(uploadPath(name)).catch(() => null);
  if (!existing) {
    res.status(404).json({ error: `no upload named "${name}" to replace` });
    return;
  }
  const file: Buffer = req.body;
  await writeUpload(name, file);
  res.json({ name, bytes: file.length });
});

app.get('/uploads/:name/info', async (req, res) => {
  const name = checkFileName(req.params.name);
  const found = await stat(uploadPath(name)).catch(() => null);
  if (!found) {
    res.status(404).json({ error: `no upload named "${name}"` });
    return;
  }
  res.json({ name, size: found.size, type: 'application/octet-stream' });
});

app.use(answerErrors);

export default app;
