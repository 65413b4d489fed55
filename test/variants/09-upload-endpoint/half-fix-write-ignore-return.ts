/**
 * half-fix (red team, round 10). Streams each chunk to the partial file with out.write() but ignores its return
 * value (no backpressure); cleans up drops and the limit correctly.
 * Hand proof (drive09, every write slowed 15 ms): peak 42.1 MiB.
 * Check now: FAIL, peak memory: yours 72.6 MiB (bar 4.0 MiB).
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
    out.destroy();
    discardUpload(name).catch(() => {});
    if (error) next(error);
  };
  out.on('error', (error) => fail(error));
  if (req.destroyed) return fail();
  req.on('close', () => { if (!req.complete) fail(); });
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > MAX_VIDEO_UPLOAD_BYTES) {
      req.pause();
      fail(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
      return;
    }
    if (!failed) out.write(chunk);
  });
  req.on('end', () => {
    if (failed) return;
    out.end(() => {
      commitUpload(name).then(() => res.status(201).json({ name, bytes: received }), next);
    });
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
