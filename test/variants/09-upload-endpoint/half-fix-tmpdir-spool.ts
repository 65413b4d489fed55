/**
 * INTENDED: multer-style: spool to os.tmpdir() without waiting on write(), then copy into uploads.
 * ACTUALLY: LEAKS (transient) memory: no backpressure; on any slow disk the whole upload piles up in memory.
 * PROOF: uploads.mts (every write slowed 4 ms): peak heapUsed+external +25..32 MiB vs +1.8 MiB for the correct ones.
 * Check: FAIL (peak 7-13 MiB > 4 MiB bar) even though the check only slows the uploads folder. RIGHT.
 */
import express from 'express';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { uploadPath, UPLOADS_DIR } from '#service/storage';

const app = express();
void commitUpload; void createUploadStream; void discardUpload;

// Like multer's disk storage: spool the upload to a temporary file as it comes
// in (never the whole upload in memory), then move it into the uploads folder.
app.put('/uploads/:name', (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  const spool = path.join(os.tmpdir(), `upload-${randomUUID()}`);
  const file = createWriteStream(spool);
  let received = 0;
  let failed = false;
  const fail = (error: Error) => {
    if (failed) return;
    failed = true;
    file.destroy();
    void rm(spool, { force: true });
    next(error);
  };
  req.on('data', (chunk: Buffer) => {
    if (failed) return;
    received += chunk.length;
    if (received > MAX_VIDEO_UPLOAD_BYTES) {
      res.set('connection', 'close');
      fail(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
      return;
    }
    if (!failed) file.write(chunk);
  });
  req.on('close', () => {
    if (!req.complete) fail(new Error('client hung up'));
  });
  file.on('error', fail);
  req.on('end', () => {
    if (failed) return;
    file.end(async () => {
      try {
        await mkdir(UPLOADS_DIR, { recursive: true });
        await copyFile(spool, uploadPath(name));
        await rm(spool, { force: true });
        res.status(201).json({ name, bytes: received });
      } catch (error) {
        fail(error as Error);
      }
    });
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
