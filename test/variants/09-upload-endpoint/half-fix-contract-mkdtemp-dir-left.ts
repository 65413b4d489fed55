/**
 * half fix: each upload gets a spool folder of its own
 * (`mkdtemp(os.tmpdir()/upload-)`), is streamed into `<folder>/body` with
 * pipeline, copied into the uploads folder, and the spool folder removed
 * (recursive). On failure (client gone, too large, disk full) only the spool
 * file is removed, once its stream has closed: the empty spool folder stays in
 * the temporary folder, one per failed upload, for ever.
 * Proof: /tmp/rt-09-scratch/drops09.mjs: 800 dropped uploads leave 803 empty
 * upload-XXXXXX folders in TMPDIR (drive09.mjs: 14).
 * Check verdict after round 12's fixes: FAIL on the contract (was PASS): 6 folders left in os.tmpdir(), each "made at" its mkdtemp line; renamed half-fix-contract-*.
 */
import express from 'express';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
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
    const folder = await mkdtemp(path.join(os.tmpdir(), 'upload-'));
    const spool = path.join(folder, 'body');
    const out: WriteStream = createWriteStream(spool);
    try {
      await pipeline(req, limitTo(MAX_VIDEO_UPLOAD_BYTES), out);
    } catch (error) {
      if (!out.closed) await once(out, 'close').catch(() => {});
      await rm(spool, { force: true });
      throw error;
    }
    await mkdir(UPLOADS_DIR, { recursive: true });
    await copyFile(spool, uploadPath(name));
    await rm(folder, { recursive: true, force: true });
    res.status(201).json({ name, bytes: out.bytesWritten });
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
