/**
 * Scenario 09 fixed another way: no stream on the disk side at all; the
 * request's chunks are written with a FileHandle from fs/promises, each
 * write awaited before the next chunk is read.
 *
 * Lecture recordings for the course platform. Teachers upload their videos
 * with PUT /uploads/:name, up to 64 MiB each, often a whole week's lectures
 * at once. Some clients announce the size (Content-Length), others stream it
 * chunked; either way, a recording over the limit is refused with 413.
 */
import express from 'express';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { checkFileName, uploadPath, UPLOADS_DIR } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { answerErrors } from '#service/http-errors';

const app = express();

app.put('/uploads/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
  await mkdir(UPLOADS_DIR, { recursive: true });
  const partial = `${uploadPath(name)}.partial`;
  const file = await open(partial, 'w');
  let received = 0;
  try {
    for await (const chunk of req) {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
      await file.write(chunk);
    }
    await file.close();
    await rename(partial, uploadPath(name));
  } catch (error) {
    await file.close();
    await rm(partial, { force: true });
    throw error;
  }
  res.status(201).json({ name, bytes: received });
});

app.use(answerErrors);

export default app;
