/**
 * half fix: spools each upload to a file of its own in os.tmpdir() with
 * pipeline (backpressure, limit), then copies it into the uploads folder and
 * unlinks the spool. On failure (client gone, too large, disk full) the error
 * goes to the error handler and the spool file is left in the temporary
 * folder: one file per dropped or refused upload, with what it had received.
 * Proof: /tmp/rt-09-scratch/drive09.mjs: 12 upload-<uuid> files left in TMPDIR.
 * Check verdict after round 12's fixes: FAIL on the contract (right: its spool files in os.tmpdir()); renamed half-fix-contract-*, as it holds no memory.
 */
import express from 'express';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkFileName, uploadPath, UPLOADS_DIR } from '#service/storage';
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
  try {
    const name = checkFileName(req.params.name);
    if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
    const spool = path.join(os.tmpdir(), `upload-${randomUUID()}`);
    const out = createWriteStream(spool);
    await pipeline(req, limitTo(MAX_VIDEO_UPLOAD_BYTES), out);
    await mkdir(UPLOADS_DIR, { recursive: true });
    await copyFile(spool, uploadPath(name));
    await unlink(spool);
    res.status(201).json({ name, bytes: out.bytesWritten });
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
