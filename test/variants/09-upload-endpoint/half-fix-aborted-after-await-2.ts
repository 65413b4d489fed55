/**
 * half-fix (red team, round 10). req.pipe(out) with destroy + discard on 'aborted', but the listener is added after
 * `await createUploadStream`: a client gone during that await is never heard, its write stream never destroyed.
 * Hand proof (drive09, slow mkdir): fds +2, early-2.mp4.partial left.
 * Check now: FAIL, file descriptors left open: yours 2 (bar 0).
 */
/**
 * Lecture recordings for the course platform. Teachers upload their videos
 * with PUT /uploads/:name, up to 64 MiB each, often a whole week's lectures
 * at once. Some clients announce the size (Content-Length), others stream it
 * chunked; either way, a recording over the limit is refused with 413.
 */
import express from 'express';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
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
  const out = await createUploadStream(name);
  let received = 0;
  let failed = false;
  const fail = (error?: Error) => {
    if (failed) return;
    failed = true;
    req.unpipe(out);
    out.destroy();
    discardUpload(name).then(() => error && next(error), next);
  };
  req.on('aborted', () => fail());
  out.on('error', (error) => fail(error));
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > MAX_VIDEO_UPLOAD_BYTES) {
      req.pause();
      fail(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    }
  });
  out.on('finish', () => {
    if (failed) return;
    commitUpload(name).then(() => res.status(201).json({ name, bytes: received }), next);
  });
  req.pipe(out);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
