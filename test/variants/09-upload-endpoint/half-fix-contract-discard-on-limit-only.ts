/**
 * Lecture recordings for the course platform. Teachers upload their videos
 * with PUT /uploads/:name, up to 64 MiB each, often a whole week's lectures
 * at once. Some clients announce the size (Content-Length), others stream it
 * chunked; either way, a recording over the limit is refused with 413.
 */
/**
 * half-fix-contract. Intended: pipeline(req, sizeLimit, file), and throw the partial away when it was too large.
 * Actually: only a 413 discards; a client that hangs up leaves name.partial in the uploads folder.
 * Proof: up09.mjs: h1.mp4.partial and h2.mp4.partial left after 2 hang-ups; memory is fine (peak 11.4 MiB with the client).
 * Check: FAIL ('dropped.mp4.partial is still in the uploads folder'). Correct verdict.
 */
import express from 'express';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload, uploadPath } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

/** Passes the bytes through, and fails once more than the limit has gone by. */
function sizeLimit(limit: number): Transform {
  let received = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      callback(received > limit ? new UploadTooLargeError(limit) : null, chunk);
    },
  });
}

app.put('/uploads/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  const file = await createUploadStream(name);
  try {
    await pipeline(req, sizeLimit(MAX_VIDEO_UPLOAD_BYTES), file);
  } catch (error) {
    // Too large: throw the partial recording away and say so.
    if (error instanceof UploadTooLargeError) await discardUpload(name);
    next(error);
    return;
  }
  await commitUpload(name);
  res.status(201).json({ name, bytes: file.bytesWritten });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
