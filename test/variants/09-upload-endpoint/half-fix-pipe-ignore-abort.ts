/**
 * half-fix. streams with req.pipe(createUploadStream()) and handles the limit, but does nothing when the client hangs up: the file stays open and its .partial stays.
 * Proof: drv/d09.mjs: 7 descriptors open on *.partial after the traffic, 7 .partial files left.
 * Check: FAIL (fds 7, partial files listed). Correct verdict.
 */
import express from 'express';
import type { WriteStream } from 'node:fs';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.put('/uploads/:name', (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  createUploadStream(name).then((out: WriteStream) => {
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES) {
        req.unpipe(out);
        out.destroy();
        discardUpload(name).finally(() => next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES)));
      }
    });
    // pipe() waits for the disk: it pauses the request while the file's buffer is full
    req.pipe(out);
    out.on('error', (error) => discardUpload(name).finally(() => next(error)));
    out.on('finish', () => {
      if (received > MAX_VIDEO_UPLOAD_BYTES) return;
      commitUpload(name).then(() => res.status(201).json({ name, bytes: received }), next);
    });
  }, next);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
