/**
 * Scenario 10 without the tracing: no request id, no trace log, nothing kept
 * per request. The contract must catch it.
 */
import express from 'express';
import { pipeline } from 'node:stream/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload, MAX_UPLOAD_BYTES, openStoredFile } from '#service/storage';
import { answerErrors } from '#service/http-errors';

const app = express();

function httpError(status: number, message: string): Error {
  return Object.assign(new Error(message), { status });
}

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const file = await openStoredFile(name);
  await pipeline(file, res.type(name));
});

app.put('/uploads/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const bytes = Number(req.get('content-length'));
  if (!Number.isSafeInteger(bytes)) throw httpError(411, 'send the upload with a Content-Length');
  if (bytes > MAX_UPLOAD_BYTES) throw httpError(413, `uploads are limited to ${MAX_UPLOAD_BYTES} bytes`);
  const upload = await createUploadStream(name);
  try {
    await pipeline(req, upload);
  } catch (error) {
    await discardUpload(name);
    throw error;
  }
  await commitUpload(name);
  res.status(201).json({ name, bytes });
});

app.use(answerErrors);

export default app;
