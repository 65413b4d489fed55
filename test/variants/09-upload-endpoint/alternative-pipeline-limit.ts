/**
 * KIND: correct
 * INTENDED: stream/promises pipeline(req, limit, file): backpressure end to end, a Transform that fails
 *   the upload past 64 MiB, and on any failure (over the limit, client gone) the pipeline destroys every
 *   stream and the partial file is removed.
 * ACTUALLY: Backpressure through pipeline; over-limit and hang-ups destroy all streams and remove the partial file.
 * PROOF: drive09.mjs: 24 MiB with length and chunked stored exact (201), empty 201 (0-byte file), announced 65 MiB 413, chunked 65 MiB 413 with no leftover, path name 400; slow disk peak +0.0 MiB; after 3 drops 2 fds at t+0, 0 at t+0.25 s, folder clean; re-upload 201 exact.
 * Check: PASS: memory 1.0 MiB, descriptors 0 -- RIGHT
 */
import express from 'express';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.put('/uploads/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  let received = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES) callback(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(req, limit, await createUploadStream(name));
  } catch (error) {
    await discardUpload(name);
    if (!res.destroyed) next(error);
    return;
  }
  await commitUpload(name);
  res.status(201).json({ name, bytes: received });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
