/**
 * RED TEAM VARIANT: Streams to createUploadStream with out.write(chunk) ignoring its return value; listeners added after the await.
 * HALF FIX
 * Proof (by hand): node --import tsx redteam/09/drivers/drive.ts redteam/09/h2-write-ignores-backpressure.ts (writes 8 ms late): peak 19.1 MiB above baseline after gc (c1: 1.2 MiB); 2 fds left (drops during the held mkdir).
 * Check verdict: FAIL (peak 94.7 MiB; 2 descriptors) - RIGHT
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
    let received = 0;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      out.destroy();
      discardUpload(name).finally(() => next(error));
    };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES) fail(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
      else if (!failed) out.write(chunk); // streamed straight to disk, nothing collected
    });
    req.on('end', () => {
      if (!failed) out.end();
    });
    req.on('close', () => {
      if (!req.complete) fail(new Error('client went away'));
    });
    out.on('finish', () => {
      if (!failed) commitUpload(name).then(() => res.status(201).json({ name, bytes: received }), next);
    });
    out.on('error', fail);
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
