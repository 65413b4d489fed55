/**
 * Scenario 09 fixed another way: the file store's stream is not used;
 * `pipeline` goes from the request through a size check straight into
 * `fs.createWriteStream` on a partial file, renamed when complete.
 *
 * Lecture recordings for the course platform. Teachers upload their videos
 * with PUT /uploads/:name, up to 64 MiB each, often a whole week's lectures
 * at once. Some clients announce the size (Content-Length), others stream it
 * chunked; either way, a recording over the limit is refused with 413.
 */
import express from 'express';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { pipeline, Transform } from 'node:stream';
import { checkFileName, uploadPath, UPLOADS_DIR } from '#service/storage';
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
  await mkdir(UPLOADS_DIR, { recursive: true });
  const partial = `${uploadPath(name)}.partial`;
  pipeline(req, sizeLimit, createWriteStream(partial), (error) => {
    if (error) {
      rm(partial, { force: true }).then(() => next(error), next);
      return;
    }
    rename(partial, uploadPath(name)).then(() => res.status(201).json({ name, bytes: received }), next);
  });
});

app.use(answerErrors);

export default app;
