/**
 * half-fix. streams straight into uploadPath(name) with pipeline(), which closes the file, but never removes a refused or dropped upload's truncated file.
 * Proof: drv/d09.mjs: 8 truncated files left under the uploads' own names (gone-*, half-*, too-big.mp4), fds 0.
 * Check: FAIL (streamed-too-long.mp4, dropped-N.mp4, hung-up-early.mp4 still in the uploads folder). Correct verdict.
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

app.put('/uploads/:name', async (req, res, next) => {
  try {
    const name = checkFileName(req.params.name);
    if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
    await mkdir(UPLOADS_DIR, { recursive: true });
    // stream straight into place: pipeline() closes the file however the upload ends
    const out = createWriteStream(uploadPath(name));
    let bytes = 0;
    await pipeline(req, sizeLimit((total) => (bytes = total)), out);
    res.status(201).json({ name, bytes });
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
