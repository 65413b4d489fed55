/**
 * half fix (breaks a feature): the write stream is only opened when the first
 * chunk arrives ("no file at all for a client that hangs up before its first
 * byte"), with backpressure (pause while write() says full) and clean-up on
 * close. An empty upload never gets a first chunk, so no file is opened and
 * commitUpload's rename fails: the empty recording is answered 500 instead of
 * being stored as an empty file.
 * Proof: /tmp/rt-09-scratch/drive09.mjs: empty upload answers 500, no empty.mp4 stored.
 * Check verdict after round 12's fixes: FAIL on the contract (right).
 */
import express from 'express';
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.put('/uploads/:name', async (req, res, next) => {
  let out: WriteStream | undefined;
  try {
    const name = checkFileName(req.params.name);
    if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
    let received = 0;
    try {
      for await (const chunk of req) {
        received += (chunk as Buffer).length;
        if (received > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
        out ??= await createUploadStream(name);
        if (!out.write(chunk)) await once(out, 'drain');
      }
      if (out) { out.end(); await once(out, 'finish'); }
    } catch (error) {
      if (out) {
        out.destroy();
        if (!out.closed) await once(out, 'close').catch(() => {});
        await discardUpload(name);
      }
      throw error;
    }
    await commitUpload(name);
    res.status(201).json({ name, bytes: received });
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
