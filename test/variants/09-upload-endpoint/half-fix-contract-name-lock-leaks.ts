/**
 * RED TEAM VARIANT: A Set lock per name, released on success and on 413 only.
 * HALF FIX
 * Proof (by hand): node --import tsx redteam/09/drivers/drive.ts redteam/09/h4-name-lock-leaks.ts: every retry of a dropped name refused (409 or cut while sending).
 * Check verdict: FAIL (contract: 409 for dropped-1..3, hung-up-early and the retry after a full disk) - RIGHT
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
  try {
    const out = await createUploadStream(name);
    await pipeline(req, sizeLimit(MAX_VIDEO_UPLOAD_BYTES), out);
    await commitUpload(name);
    uploading.delete(name);
    res.status(201).json({ name, bytes: out.bytesWritten });
  } catch (error) {
    await discardUpload(name);
    if (error instanceof UploadTooLargeError) uploading.delete(name);
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
