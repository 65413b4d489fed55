/**
 * KIND: correct
 * INTENDED: own the descriptor: `await using` a FileHandle on the partial file (closed when the block is
 *   left, however), `for await` the request (one chunk at a time: backpressure by awaiting each write),
 *   fail past 64 MiB, and remove the partial file on any failure.
 * ACTUALLY: for await reads one chunk at a time and awaits each write (backpressure); the block closes the handle on success, error or hang-up; the partial file is removed on failure.
 * PROOF: drive09.mjs: all features ok; 1 fd at t+0, 0 at t+0.25 s, folder clean. (Its memory line read +20-26 MiB because the driver's fake slow disk only delays fs.write/writev, not FileHandle writes: on a fast disk the pipeline variant reads +10.8 MiB the same way (mem09.mjs), bounded: 9.6 MiB for 1 upload, 14.0 MiB for 3.)
 * Check: PASS: memory 947.2 KiB, descriptors 0 -- RIGHT
 */
import express from 'express';
import { mkdir, open } from 'node:fs/promises';
import { checkFileName, commitUpload, discardUpload, uploadPath, UPLOADS_DIR } from '#service/storage';
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
  let received = 0;
  try {
    await mkdir(UPLOADS_DIR, { recursive: true });
    {
      await using partial = await open(`${uploadPath(name)}.partial`, 'w');
      for await (const chunk of req as AsyncIterable<Buffer>) {
        received += chunk.length;
        if (received > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
        await partial.write(chunk);
      }
    }
    await commitUpload(name);
  } catch (error) {
    await discardUpload(name);
    if (!res.destroyed) next(error);
    return;
  }
  res.status(201).json({ name, bytes: received });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
