/**
 * half-fix. req.pipe(out) with an 'aborted' listener added after `await createUploadStream()`, which misses a client that hung up during the await.
 * Proof: drv/d09.mjs MKDIR_MS=50: 4 descriptors open on gone-N.mp4.partial and 4 .partial files left.
 * Check: FAIL (fds 2). Correct verdict.
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

app.put('/uploads/:name', async (req, res, next) => {
  try {
    const name = checkFileName(req.params.name);
    if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
    const out = await createUploadStream(name);
    let received = 0;
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      req.unpipe(out);
      out.destroy();
      discardUpload(name).finally(() => next(error));
    };
    // a teacher whose connection drops: close the file and throw the partial upload away
    req.on('aborted', () => fail(new Error('client went away')));
    out.on('error', fail);
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES) fail(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    });
    out.on('finish', () => {
      if (!failed) commitUpload(name).then(() => res.status(201).json({ name, bytes: received }), next);
    });
    req.pipe(out);
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
