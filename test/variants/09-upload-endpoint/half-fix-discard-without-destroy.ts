/**
 * INTENDED: req.pipe(limit).pipe(file); on hang-up or over-limit remove the .partial file.
 * ACTUALLY: LEAKS one fd per dropped/refused upload (on a deleted file); also the pre-body hang-up.
 * PROOF: uploads.mts: 5 fds open after the traffic, 4 of them '(deleted)'.
 * Check: FAIL (descriptors yours 8). RIGHT.
 */
import express from 'express';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { Transform, pipeline } from 'node:stream';

const app = express();

app.put('/uploads/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  const file = await createUploadStream(name);
  let received = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES) callback(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
      else callback(null, chunk);
    },
  });
  req.pipe(limit).pipe(file);
  // The disk failing (full): the teacher is told.
  file.on('error', (error) => void discardUpload(name).then(() => next(error), next));
  // the client hung up: remove what we got so far
  req.on('aborted', () => void discardUpload(name));
  limit.on('error', (error) => {
    req.unpipe(limit);
    res.set('connection', 'close');
    void discardUpload(name).then(() => next(error));
  });
  file.on('finish', () => commitUpload(name).then(() => res.status(201).json({ name, bytes: received }), next));
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
