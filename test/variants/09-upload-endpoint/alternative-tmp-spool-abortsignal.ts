/**
 * RED TEAM VARIANT: pipeline(req, async-generator limiter, createWriteStream(os.tmpdir() spool), {signal}) aborted by req 'close'; copyFile to a unique .partial, rename; spool removed in finally.
 * CORRECT
 * Proof (by hand): node --import tsx redteam/09/drivers/drive.ts redteam/09/c2-tmp-spool-abortsignal.ts: peak 1.8 MiB, 0 fds, nothing left in uploads or tmpdir, retries 201.
 * Check verdict: PASS (1.1 MiB; nothing left in os.tmpdir()) - RIGHT
 */
import express from 'express';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkFileName, UPLOADS_DIR, uploadPath } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.put('/uploads/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  // the client going away aborts the spool, whenever it happens
  const gone = new AbortController();
  const onClose = () => {
    if (!req.complete) gone.abort(new Error('client went away'));
  };
  req.once('close', onClose);
  if (req.destroyed) onClose();
  const spool = path.join(os.tmpdir(), `upload-${randomUUID()}`);
  try {
    let seen = 0;
    await pipeline(
      req,
      async function* limit(source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          seen += chunk.length;
          if (seen > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
          yield chunk;
        }
      },
      createWriteStream(spool),
      { signal: gone.signal },
    );
    await mkdir(UPLOADS_DIR, { recursive: true });
    const partial = `${uploadPath(name)}.${randomUUID()}.partial`;
    try {
      await copyFile(spool, partial);
      await rename(partial, uploadPath(name));
    } finally {
      await rm(partial, { force: true });
    }
    res.status(201).json({ name, bytes: seen });
  } catch (error) {
    next(error);
  } finally {
    req.off('close', onClose);
    await rm(spool, { force: true });
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
