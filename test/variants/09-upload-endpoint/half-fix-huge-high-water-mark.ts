/**
 * RED TEAM VARIANT: pipeline with backpressure, but createWriteStream(..., {highWaterMark: 32 MiB}).
 * HALF FIX
 * Proof (by hand): node --import tsx redteam/09/drivers/drive.ts redteam/09/h8-huge-highwatermark.ts: peak 28.9 MiB: every upload sits in the stream's buffer.
 * Check verdict: FAIL (peak 78.9 MiB) - RIGHT
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { UPLOADS_DIR, uploadPath } from '#service/storage';
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
    await mkdir(UPLOADS_DIR, { recursive: true });
    // a big buffer so a fast client is never slowed down by the disk
    const out = createWriteStream(`${uploadPath(name)}.partial`, { highWaterMark: 32 * 1024 * 1024 });
    try {
      await pipeline(req, sizeLimit(MAX_VIDEO_UPLOAD_BYTES), out);
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
