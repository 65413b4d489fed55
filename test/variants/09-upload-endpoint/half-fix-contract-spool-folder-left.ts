/**
 * RED TEAM VARIANT: Like h6 (pipeline with backpressure), but spools into its own folder beside the server (redteam/09/.spool) and never removes a failed spool.
 * HALF FIX
 * Proof (by hand): node --import tsx redteam/09/drivers/drive.ts redteam/09/h15-spool-dir-left.ts: 8 spool files (101 MiB) left; one check run left 6 files (76 MiB) there.
 * Check verdict: FAIL (contract: 6 files, 76 MiB, left in .spool beside the server, each named with its size and line 48, deleted by the check) - RIGHT
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
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

/** The service's own spool folder (the shared /tmp is small on our hosts). */
const SPOOL_DIR = path.join(import.meta.dirname, '.spool');

app.put('/uploads/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  // spool to the service's own folder first, so a half upload never shows in the uploads folder
  await mkdir(SPOOL_DIR, { recursive: true });
  const spool = path.join(SPOOL_DIR, `upload-${randomUUID()}`);
  try {
    await pipeline(req, sizeLimit(MAX_VIDEO_UPLOAD_BYTES), createWriteStream(spool));
    await mkdir(UPLOADS_DIR, { recursive: true });
    await copyFile(spool, uploadPath(name));
    await rm(spool);
    res.status(201).json({ name });
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
