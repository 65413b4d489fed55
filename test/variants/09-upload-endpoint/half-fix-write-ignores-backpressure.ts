/**
 * Scenario 09 half fixed: each chunk goes to the file as it arrives, but
 * write()'s answer is ignored and the request is never paused. On a fast
 * disk it looks fixed; on a slow one every chunk the client sends waits in
 * the file stream's buffer: memory must catch it.
 *
 * Lecture recordings for the course platform. Teachers upload their videos
 * with PUT /uploads/:name, up to 64 MiB each, often a whole week's lectures
 * at once. Some clients announce the size (Content-Length), others stream it
 * chunked; either way, a recording over the limit is refused with 413.
 */
import express from 'express';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { answerErrors } from '#service/http-errors';

const app = express();

app.put('/uploads/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
  const file = await createUploadStream(name);
  let received = 0;
  let failed = false;
  const fail = (error: Error): void => {
    if (failed) return;
    failed = true;
    file.destroy();
    file.once('close', () => discardUpload(name).then(() => next(error), next));
  };
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > MAX_VIDEO_UPLOAD_BYTES) fail(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    else if (!failed) file.write(chunk);
  });
  req.on('error', fail);
  file.on('error', fail);
  req.on('close', () => {
    if (!req.complete) fail(new Error('the client hung up'));
  });
  req.on('end', () => {
    if (failed) return;
    file.end(() => commitUpload(name).then(() => res.status(201).json({ name, bytes: received }), next));
  });
});

app.use(answerErrors);

export default app;
