/**
 * RED TEAM VARIANT: 'aborted' listener added after await createUploadStream().
 * HALF FIX
 * Proof (by hand): node --import tsx redteam/09/drivers/drive.ts redteam/09/h5-aborted-after-await.ts: 2 fds + 2 .partial files left (clients that left during the held mkdir).
 * Check verdict: FAIL (2 descriptors, hung-up-early.mp4.partial at line 36) - RIGHT
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

app.put('/uploads/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  try {
    const out = await createUploadStream(name);
    let over = false;
    const fail = (error: unknown) => {
      if (over) return;
      over = true;
      req.unpipe();
      out.destroy();
      discardUpload(name).finally(() => next(error));
    };
    req.on('aborted', () => fail(new Error('client went away')));
    const limiter = sizeLimit(MAX_VIDEO_UPLOAD_BYTES);
    limiter.on('error', fail);
    out.on('error', fail);
    out.on('finish', () => {
      if (!over) commitUpload(name).then(() => res.status(201).json({ name, bytes: out.bytesWritten }), next);
    });
    req.pipe(limiter).pipe(out);
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
