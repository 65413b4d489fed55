/**
 * half-fix. FileHandle writes in a for-await loop like a correct fix, but the handle is closed only on success: on a hang-up, a refusal or a failed write it unlinks the partial file and leaves the FileHandle open; its descriptor stays open until a garbage collection happens to close it.
 * Proof: driver /work/rt/r15/09/driver.mjs (runs the file with --import /work/rt/r15/09/slowdisk.mjs: every fs.write/writev +4 ms, every open +30 ms, mkdir +300 ms, ENOSPC for names with 'diskfull'), traffic: 5 uploads at once (8-16 MiB, 2 chunked), 3 x 1.5 MiB, empty, bad name, 65 MiB announced, 66 MiB chunked, 3 halfway hang-ups, 2 hang-ups during the mkdir await, 2 while waiting for the body, 2 disk-full names twice, then every dropped name again: the driver's probe garbage-collects, after which the descriptors are gone (DEP0137 warning 'Closing a FileHandle object on garbage collection'). /work/rt/r15/09/early.mjs with 20 halfway hang-ups (SEND=200000, AFTER=400) and no forced gc: 13 descriptors still open on deleted files 5 s later (0 with the alternative).
 * Check: FAIL on 'file descriptors' (yours 10, each marked 'closed by the garbage collector, not by the code', line 25). RIGHT VERDICT
 */
import { open, rename, unlink, mkdir } from 'node:fs/promises';
import express from 'express';
import { checkFileName, uploadPath, UPLOADS_DIR } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.put('/uploads/:name', async (req, res, next) => {
  try {
    const name = checkFileName(req.params.name);
    if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
      res.set('connection', 'close');
      throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
    }
    await mkdir(UPLOADS_DIR, { recursive: true });
    const target = uploadPath(name);
    const partial = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
    const handle = await open(partial, 'w');
    let bytes = 0;
    let stored = false;
    try {
      if (req.destroyed && !req.complete) throw new Error('client went away');
      for await (const chunk of req) {
        bytes += (chunk as Buffer).length;
        if (bytes > MAX_VIDEO_UPLOAD_BYTES) {
          res.set('connection', 'close');
          throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
        }
        await handle.write(chunk as Buffer);
      }
      if (!req.complete) throw new Error('client went away');
      await handle.close();
      await rename(partial, target);
      stored = true;
    } finally {
      // the handle was closed above on success
      if (!stored) await unlink(partial).catch(() => {});
    }
    res.status(201).json({ name, bytes });
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
