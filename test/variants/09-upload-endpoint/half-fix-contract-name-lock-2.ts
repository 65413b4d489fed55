/**
 * half-fix-contract (red team, round 10). pipeline with backpressure into createUploadStream, plus a per-name lock
 * (an `uploading` Set: 409 while the same name is in flight, their .partial files would clash); when the client left
 * during `await createUploadStream` it destroys the stream and discards the file, but returns without releasing the lock.
 * Hand proof (drive09, slow mkdir): the re-upload of early-1.mp4 (its client left during the mkdir) gets 409
 * "already being uploaded", for good; drop-1 and early-3 get 201.
 * Check was: PASS (the names of the early hang-ups were never uploaded again). Now: FAIL on the contract:
 * "PUT /uploads/hung-up-early.mp4 answered 409 instead of 201: an upload of hung-up-early.mp4 was dropped by its
 * client before its first byte ..."; memory passes (1.3 MiB, fds 0).
 */
/**
 * Lecture recordings for the course platform. Teachers upload their videos
 * with PUT /uploads/:name, up to 64 MiB each, often a whole week's lectures
 * at once. Some clients announce the size (Content-Length), others stream it
 * chunked; either way, a recording over the limit is refused with 413.
 */
import express from 'express';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const uploading = new Set<string>();

app.put('/uploads/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
  if (uploading.has(name)) {
    res.status(409).json({ error: `"${name}" is already being uploaded` });
    return;
  }
  uploading.add(name);
  const out = await createUploadStream(name);
  if (req.destroyed) {
    // the client left while the file was being created
    out.destroy();
    await discardUpload(name);
    return;
  }
  let received = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES) callback(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(req, limit, out);
  } catch (error) {
    uploading.delete(name);
    await discardUpload(name);
    throw error;
  }
  await commitUpload(name);
  uploading.delete(name);
  res.status(201).json({ name, bytes: received });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
