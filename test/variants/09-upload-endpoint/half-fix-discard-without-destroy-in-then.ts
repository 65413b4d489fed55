/**
 * RED TEAM VARIANT: createUploadStream().then(...): on a drop, removes the partial file but never destroys the stream; 'close' listener added after the await.
 * HALF FIX
 * Proof (by hand): node --import tsx redteam/09/drivers/drive.ts redteam/09/h10-discard-without-destroy.ts: 8 fds open on deleted/partial files, 2 .partial files left.
 * Check verdict: FAIL (8 descriptors, each now put down to line 35, createUploadStream(name).then(...): the file store keeps its caller's line across its awaits) - RIGHT
 */
import express from 'express';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

/** Passes an upload through, and fails it with 413 once it runs over the limit. */
function sizeLimit(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > limit) done(new UploadTooLargeError(limit));
      else done(null, chunk);
    },
  });
}

app.put('/uploads/:name', (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  createUploadStream(name).then((out) => {
    let over = false;
    const fail = (error: unknown) => {
      if (over) return;
      over = true;
      discardUpload(name).finally(() => next(error)); // the partial file goes
    };
    req.on('close', () => {
      if (!req.complete) fail(new Error('client went away'));
    });
    const limiter = sizeLimit(MAX_VIDEO_UPLOAD_BYTES);
    limiter.on('error', fail);
    out.on('error', fail);
    out.on('finish', () => {
      if (!over) commitUpload(name).then(() => res.status(201).json({ name, bytes: out.bytesWritten }), next);
    });
    req.pipe(limiter).pipe(out);
  }, next);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
