/**
 * half-fix. spools each upload into its own mkdtemp folder in os.tmpdir(), removes the spooled file on failure but not the folder.
 * Proof: drv/d09.mjs: 10 empty upload-XXXX folders left in TMPDIR.
 * Check: FAIL (6 folders listed with their line). Correct verdict.
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
  let spool: string | undefined;
  try {
    const name = checkFileName(req.params.name);
    if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
    // spool to a folder of its own in the temporary folder, then move it into the uploads folder whole
    spool = await mkdtemp(path.join(os.tmpdir(), 'upload-'));
    const spooled = path.join(spool, 'data');
    let bytes = 0;
    try {
      await pipeline(req, sizeLimit((total) => (bytes = total)), createWriteStream(spooled));
    } catch (error) {
      await rm(spooled, { force: true });
      throw error;
    }
    await mkdir(UPLOADS_DIR, { recursive: true });
    try {
      await copyFile(spooled, uploadPath(name));
    } finally {
      await rm(spooled, { force: true });
    }
    await rm(spool, { recursive: true, force: true });
    res.status(201).json({ name, bytes });
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
