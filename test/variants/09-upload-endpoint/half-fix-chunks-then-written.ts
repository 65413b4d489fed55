/**
 * Scenario 09 half fixed: no more Buffer.concat, and the file is written as
 * a stream, but only once the whole upload has arrived: every chunk is kept
 * in an array until 'end'. Memory must catch it.
 *
 * Lecture recordings for the course platform. Teachers upload their videos
 * with PUT /uploads/:name, up to 64 MiB each, often a whole week's lectures
 * at once. Some clients announce the size (Content-Length), others stream it
 * chunked; either way, a recording over the limit is refused with 413.
 */
import express from 'express';
import { once } from 'node:events';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { answerErrors } from '#service/http-errors';

const app = express();

app.put('/uploads/:name', (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > MAX_VIDEO_UPLOAD_BYTES) chunks.length = 0;
    else chunks.push(chunk);
  });
  req.on('end', async () => {
    if (received > MAX_VIDEO_UPLOAD_BYTES) {
      next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
      return;
    }
    try {
      const file = await createUploadStream(name);
      for (const chunk of chunks) if (!file.write(chunk)) await once(file, 'drain');
      file.end();
      await once(file, 'finish');
      await commitUpload(name);
      res.status(201).json({ name, bytes: received });
    } catch (error) {
      await discardUpload(name);
      next(error);
    }
  });
});

app.use(answerErrors);

export default app;
