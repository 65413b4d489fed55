/**
 * Scenario 09 that reads each upload and throws it away: nothing is held,
 * and nothing is stored either. The contract must catch it.
 */
import express from 'express';
import { checkFileName } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { answerErrors } from '#service/http-errors';

const app = express();

app.put('/uploads/:name', (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  let received = 0;
  req.on('data', (chunk: Buffer) => (received += chunk.length));
  req.on('end', () => res.status(201).json({ name, bytes: received }));
});

app.use(answerErrors);

export default app;
