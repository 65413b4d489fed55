/**
 * half-fix (red team, round 10). req.pipe(out) (backpressure right); on a drop or an overrun it removes the partial
 * file but never destroys the write stream (pipe does not end it), so its descriptor stays open.
 * Hand proof (drive09): fds +8, early-2.mp4.partial left.
 * Check now: FAIL, file descriptors left open: yours 8 (bar 0).
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
  // The disk failing (full): the teacher is told.
  out.on('error', (error) => void discardUpload(name).then(() => next(error), next));
  let received = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > MAX_VIDEO_UPLOAD_BYTES && !over) {
      over = true;
      req.unpipe(out);
      discardUpload(name).then(() => next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES)), next);
    }
  });
  req.on('close', () => {
    if (!req.complete) discardUpload(name).catch(() => {});
  });
  out.on('finish', () => {
    if (over || !req.complete) return;
    commitUpload(name).then(() => res.status(201).json({ name, bytes: received }), next);
  });
  req.pipe(out);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
