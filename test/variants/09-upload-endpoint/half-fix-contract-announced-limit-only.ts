/**
 * RED TEAM VARIANT: pipeline(req, out) with discard on error; relies on the Content-Length check only.
 * HALF FIX (breaks the 413 for chunked uploads)
 * Proof (by hand): node --import tsx redteam/09/drivers/drive.ts redteam/09/h3-announced-limit-only.ts: chunked 65 MiB upload answered 201 and stored.
 * Check verdict: FAIL (contract: chunked over-limit answered 201, file kept) - RIGHT
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
    try {
      await pipeline(req, out); // the Content-Length check above already refuses what is too large
    } catch (error) {
      await discardUpload(name);
      throw error;
    }
    await commitUpload(name);
    res.status(201).json({ name, bytes: out.bytesWritten });
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
