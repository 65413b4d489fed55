/**
 * half-fix. registers its 'close' cleanup before the file store's await, but a client that hangs up during that await gets discardUpload() before createUploadStream() has opened the file, so the .partial is made after the rm and stays.
 * Proof: drv/d09.mjs with MKDIR_MS=50: gone-0..3.mp4.partial (4 distinct names) all left in the uploads folder, fds 0. Debug log in the check's own run: the first hung-up-early.mp4 drop leaves hung-up-early.mp4.partial; later drops and the re-upload under the SAME name remove it.
 * Check: PASS. WRONG VERDICT (the check's four pre-body drops and the re-upload share the name hung-up-early.mp4, which erases the leftover before the folder is inspected).
 * Round 13: the check was changed for it: FAIL now (a check before the change: PASS, as above).
 */
import express from 'express';
import { createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload, UPLOADS_DIR, uploadPath, writeUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

/** Passes the upload through, and fails it once it runs over the limit (a chunked one can). */
function sizeLimit(onBytes: (total: number) => void = () => {}): Transform {
  let received = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      onBytes(received);
      if (received > MAX_VIDEO_UPLOAD_BYTES) done(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
      else done(null, chunk);
    },
  });
}

app.put('/uploads/:name', (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  let out: WriteStream | undefined;
  // registered before any await, so a teacher who hangs up while the file store is busy is not missed
  req.once('close', () => {
    if (req.complete) return;
    out?.destroy();
    discardUpload(name).catch(() => {});
  });
  createUploadStream(name).then((stream) => {
    out = stream;
    if (req.destroyed) {
      // gone already: its 'close' has thrown the upload away
      stream.destroy();
      return;
    }
    let bytes = 0;
    pipeline(req, sizeLimit((total) => (bytes = total)), stream).then(
      () => commitUpload(name).then(() => res.status(201).json({ name, bytes }), next),
      (error) => discardUpload(name).finally(() => next(error)),
    );
  }, next);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
