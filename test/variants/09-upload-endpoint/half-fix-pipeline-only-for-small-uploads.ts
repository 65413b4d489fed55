/**
 * Scenario 09 half fixed: small uploads (Content-Length up to 8 MiB) are
 * streamed to disk with pipeline; larger ones and chunked ones are still
 * collected in memory first, the way they always were. The recordings that
 * matter are the large ones: memory must catch it.
 *
 * Lecture recordings for the course platform. Teachers upload their videos
 * with PUT /uploads/:name, up to 64 MiB each, often a whole week's lectures
 * at once. Some clients announce the size (Content-Length), others stream it
 * chunked; either way, a recording over the limit is refused with 413.
 */
import express from 'express';
import { pipeline, Transform } from 'node:stream';
import { checkFileName, commitUpload, createUploadStream, discardUpload, writeUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { answerErrors } from '#service/http-errors';

const app = express();

const SMALL_UPLOAD_BYTES = 8 * 1024 * 1024;

app.put('/uploads/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const announced = Number(req.headers['content-length'] ?? 0);
  if (announced > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  let received = 0;
  if (announced > 0 && announced <= SMALL_UPLOAD_BYTES) {
    const sizeLimit = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        callback(null, chunk);
      },
    });
    const file = await createUploadStream(name);
    pipeline(req, sizeLimit, file, (error) => {
      if (error) {
        discardUpload(name).then(() => next(error), next);
        return;
      }
      commitUpload(name).then(() => res.status(201).json({ name, bytes: received }), next);
    });
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > MAX_VIDEO_UPLOAD_BYTES) chunks.length = 0;
    else chunks.push(chunk);
  });
  req.on('end', () => {
    if (received > MAX_VIDEO_UPLOAD_BYTES) {
      next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
      return;
    }
    const video = Buffer.concat(chunks);
    writeUpload(name, video).then(() => res.status(201).json({ name, bytes: video.length }), next);
  });
});

app.use(answerErrors);

export default app;
