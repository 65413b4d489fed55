/**
 * RED TEAM VARIANT: Set lock per name, released after a successful commit or when the request closes incomplete; a store failure after the whole body arrived keeps it.
 * HALF FIX
 * Proof (by hand): node redteam/09/drivers/lock-proof.mjs redteam/09/h12-lock-kept-on-store-error.ts 10 (ENOSPC injected on a 10-byte upload): 500, 409, 409 (c1: 500, 500, 500); with 256 KiB bodies the lock is released (500 x3).
 * Check verdict: FAIL (contract: the retry of disk-full-empty.mp4, an empty upload the checker's disk has no room for, answered 409) - RIGHT
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

/** Names being uploaded now: two uploads of one name at once would write the same .partial file. */
const uploading = new Set<string>();

app.put('/uploads/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  if (uploading.has(name)) {
    res.status(409).json({ error: `${name} is already being uploaded` });
    return;
  }
  uploading.add(name);
  const release = () => uploading.delete(name);
  req.once('close', () => {
    if (!req.complete) release(); // the teacher's connection dropped: let the retry in
  });
  try {
    const out = await createUploadStream(name);
    try {
      await pipeline(req, sizeLimit(MAX_VIDEO_UPLOAD_BYTES), out);
    } catch (error) {
      await discardUpload(name);
      throw error;
    }
    await commitUpload(name);
    release();
    res.status(201).json({ name, bytes: out.bytesWritten });
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
