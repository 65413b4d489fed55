/**
 * KIND: half-fix. Intended: "the 2x comes from Buffer.concat (multer#127): write the chunks one by one
 * instead of concatenating them".
 * Actually: halves the peak, but every chunk of every upload is still held until the upload ends: the peak is
 * still the size of all uploads in flight.
 * PROOF (by hand, variants/_hand/h09*.ts): peak 72.0 MiB (Content-Length) / 72.0 MiB (chunked): exactly the uploads in flight.
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
      file.on('error', () => undefined); // a failed open or write reaches end()'s callback below
      for (const chunk of chunks.splice(0)) if (!file.write(chunk)) await new Promise<void>((resolve) => file.once('drain', () => resolve()));
      await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
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
