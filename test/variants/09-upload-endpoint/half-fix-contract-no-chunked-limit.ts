/**
 * KIND: half-fix-contract. Intended: "stream to disk with pipeline(); the Content-Length check already refuses
 * big uploads".
 * Actually: memory is fixed, but a chunked upload has no Content-Length, so nothing counts its bytes: a
 * 65 MiB chunked recording is stored and answered 201 instead of 413.
 * PROOF (by hand, variants/_hand/h09*.ts): peak 4.8 / 4.2 MiB; a chunked 65 MiB upload is answered 201 and stored.
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
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { answerErrors } from '#service/http-errors';

const app = express();

app.put('/uploads/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  const file = await createUploadStream(name);
  try {
    await pipeline(req, file);
  } catch (error) {
    await discardUpload(name);
    throw error;
  }
  await commitUpload(name);
  res.status(201).json({ name, bytes: file.bytesWritten });
});

app.use(answerErrors);

export default app;
