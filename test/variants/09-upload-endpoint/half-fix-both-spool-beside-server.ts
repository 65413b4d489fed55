/**
 * RED TEAM VARIANT: Spools into redteam/09/.spool with write() ignoring backpressure and listeners after an await.
 * HALF FIX
 * Proof (by hand): node --import tsx redteam/09/drivers/drive.ts redteam/09/h14-spool-beside-server.ts (host slows .spool too): peak 32.8 MiB, 2 fds, 7 spool files left.
 * Check verdict: FAIL (peak 94.7 MiB: writes to any file are slowed now, .spool too; contract: 6 spool files, 74 MiB, each named with its size and line 45, deleted by the check) - RIGHT
 */
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { UPLOADS_DIR, uploadPath } from '#service/storage';
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

/** The service's own spool folder (not the shared /tmp, which is small on our hosts). */
const SPOOL_DIR = path.join(import.meta.dirname, '.spool');

app.put('/uploads/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  await mkdir(SPOOL_DIR, { recursive: true });
  const spool = path.join(SPOOL_DIR, randomUUID());
  const out = createWriteStream(spool);
  let received = 0;
  let failed = false;
  const fail = (error: unknown) => {
    if (failed) return;
    failed = true;
    out.destroy();
    next(error);
  };
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > MAX_VIDEO_UPLOAD_BYTES) fail(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    else if (!failed) out.write(chunk);
  });
  req.on('close', () => {
    if (!req.complete) fail(new Error('client went away'));
  });
  req.on('end', () => {
    if (failed) return;
    out.end(async () => {
      try {
        await mkdir(UPLOADS_DIR, { recursive: true });
        await copyFile(spool, uploadPath(name));
        await rm(spool);
        res.status(201).json({ name, bytes: received });
      } catch (error) {
        next(error);
      }
    });
  });
  out.on('error', fail);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
