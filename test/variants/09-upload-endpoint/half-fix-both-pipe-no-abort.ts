/**
 * RED TEAM VARIANT: req.pipe(limiter).pipe(createUploadStream()); commit on 'finish', discard only on the limit error; nothing for a client that drops.
 * HALF FIX
 * Proof (by hand): node --import tsx redteam/09/drivers/drive.ts redteam/09/h1-pipe-no-abort.ts: 7 fds left open on *.partial, 7 .partial files left in the uploads folder (3 halfway drops, 4 drops before the first byte).
 * Check verdict: FAIL (7 descriptors, each with its line; contract: partial files) - RIGHT
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
    const limiter = sizeLimit(MAX_VIDEO_UPLOAD_BYTES);
    let failed = false;
    limiter.on('error', (error) => {
      failed = true;
      req.unpipe(limiter);
      out.destroy();
      discardUpload(name).finally(() => next(error));
    });
    out.on('finish', () => {
      commitUpload(name).then(() => res.status(201).json({ name, bytes: out.bytesWritten }), next);
    });
    out.on('error', (error) => {
      if (!failed) next(error);
    });
    req.pipe(limiter).pipe(out);
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
