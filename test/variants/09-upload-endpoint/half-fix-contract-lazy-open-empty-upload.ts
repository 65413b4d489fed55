/**
 * RED TEAM VARIANT: Opens the file only when the first chunk arrives.
 * HALF FIX (breaks: an empty upload is answered 201 but not stored)
 * Proof (by hand): node --import tsx redteam/09/drivers/drive.ts redteam/09/h9-lazy-open.ts: empty-0 and empty-1 (chunked) not stored.
 * Added when it went into the kit: an 'error' listener on the write stream, without which a write in flight when a
 * dropped upload destroys the stream crashed the server now and then (a race), so the verdict was not stable.
 * Check verdict: FAIL (contract: empty.mp4 and disk-full-empty.mp4 answered 201 but not stored) - RIGHT
 */
import type { WriteStream } from 'node:fs';
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
  // open the file only once the first byte arrives: a client that drops before it costs nothing
  let out: WriteStream | undefined;
  let received = 0;
  try {
    for await (const chunk of req) {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
      if (!out) {
        out = await createUploadStream(name);
        out.on('error', () => undefined); // a write in flight when the catch below destroys it fails after: nothing to do
      }
      if (!out.write(chunk)) await new Promise<void>((resolve) => out!.once('drain', () => resolve()));
    }
    if (out) {
      await new Promise<void>((resolve, reject) => out!.end((error?: Error | null) => (error ? reject(error) : resolve())));
      await commitUpload(name);
    }
    res.status(201).json({ name, bytes: received });
  } catch (error) {
    out?.destroy();
    if (out) await discardUpload(name);
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
