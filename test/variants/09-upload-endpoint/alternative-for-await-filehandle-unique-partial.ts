/**
 * RED TEAM VARIANT: for await over req + FileHandle.write (one chunk on disk before the next is read), unique .partial per attempt, close in finally, rm unless stored.
 * CORRECT
 * Proof (by hand): node --import tsx redteam/09/drivers/drive.ts redteam/09/c1-for-await-filehandle.ts: peak 1.2 MiB (3 x 24 MiB, writes 8 ms late), 0 fds, no file left, all retries 201 byte-exact, empty and 64 MiB stored.
 * Check verdict: PASS (1.0 MiB; it stores a retry after a full disk too) - RIGHT
 */
import express from 'express';
import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
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
  // each attempt writes its own file: a retry never meets what an earlier attempt left
  const partial = `${uploadPath(name)}.${randomUUID()}.partial`;
  let stored = false;
  try {
    await mkdir(UPLOADS_DIR, { recursive: true });
    const file = await open(partial, 'w');
    try {
      let received = 0;
      // one chunk at a time: the next is read only once the last one is on disk
      for await (const chunk of req as AsyncIterable<Buffer>) {
        received += chunk.length;
        if (received > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
        await file.write(chunk);
      }
    } finally {
      await file.close();
    }
    await rename(partial, uploadPath(name));
    stored = true;
    res.status(201).json({ name });
  } catch (error) {
    next(error);
  } finally {
    if (!stored) await rm(partial, { force: true });
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
