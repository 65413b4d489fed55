/**
 * Scenario 09 half fixed: uploads stream to disk and the limit holds, but a
 * refused or dropped upload leaves its partial file behind in the uploads
 * folder. Memory passes; the contract must catch it.
 *
 * Lecture recordings for the course platform. Teachers upload their videos
 * with PUT /uploads/:name, up to 64 MiB each, often a whole week's lectures
 * at once. Some clients announce the size (Content-Length), others stream it
 * chunked; either way, a recording over the limit is refused with 413.
 */
import express from 'express';
import { pipeline, Transform } from 'node:stream';
import { checkFileName, commitUpload, createUploadStream } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { answerErrors } from '#service/http-errors';

const app = express();

app.put('/uploads/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  let received = 0;
  const sizeLimit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES) callback(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
      else callback(null, chunk);
    },
  });
  const file = await createUploadStream(name);
  pipeline(req, sizeLimit, file, (error) => {
    if (error) {
      next(error);
      return;
    }
    commitUpload(name).then(() => res.status(201).json({ name, bytes: received }), next);
  });
});

app.use(answerErrors);

export default app;
