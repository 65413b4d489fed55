/**
 * half-fix (red team, round 10). pipeline into its own partial file opened with a 64 MiB highWaterMark ("fewer,
 * larger writes"): backpressure only starts after 64 MiB, so a slow disk still holds whole uploads in memory.
 * Hand proof (drive09, every write slowed 15 ms): peak 31.6 MiB.
 * Check now: FAIL, peak memory: yours 72.7 MiB (bar 4.0 MiB).
 */
/**
 * Lecture recordings for the course platform. Teachers upload their videos
 * with PUT /uploads/:name, up to 64 MiB each, often a whole week's lectures
 * at once. Some clients announce the size (Content-Length), others stream it
 * chunked; either way, a recording over the limit is refused with 413.
 */
import express from 'express';
import { checkFileName, uploadPath } from '#service/storage';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.put('/uploads/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
  const partial = `${uploadPath(name)}.${randomUUID()}.part`;
  await mkdir(dirname(partial), { recursive: true });
  let received = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES) callback(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(req, limit, createWriteStream(partial, { highWaterMark: 64 * 1024 * 1024 }));
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  await rename(partial, uploadPath(name));
  res.status(201).json({ name, bytes: received });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
