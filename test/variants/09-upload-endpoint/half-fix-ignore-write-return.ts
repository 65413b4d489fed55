/**
 * KIND: half-fix. Intended: "write each chunk to the file as it arrives instead of collecting them".
 * Actually: ignores write()'s return value (no backpressure): when the network delivers faster than the disk
 * takes it, the WriteStream's internal queue holds the chunks, i.e. up to the whole upload, in Buffers.
 * PROOF (by hand, variants/_hand/h09*.ts): fast local disk: peak 6.4 MiB (Content-Length) / 11.2 MiB (chunked); disk slowed to 100 ms per fs.write(v): 35.3 MiB (at 20 ms: 18.4 MiB vs 2.1 MiB for a pipeline() variant). First draft crashed the process on a chunked over-limit upload (unhandled ERR_STREAM_DESTROYED), so file.on('error') was added.
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

app.put('/uploads/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  const file = await createUploadStream(name);
  let received = 0;
  let failed = false;
  const fail = (error: Error) => {
    if (failed) return;
    failed = true;
    file.destroy();
    discardUpload(name).finally(() => next(error));
  };
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > MAX_VIDEO_UPLOAD_BYTES) fail(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    else if (!failed) file.write(chunk);
  });
  file.on('error', fail);
  req.on('error', fail);
  req.on('aborted', () => fail(new Error('client hung up')));
  req.on('end', () => {
    if (failed) return;
    file.end(() => commitUpload(name).then(() => res.status(201).json({ name, bytes: received }), next));
  });
});

app.use(answerErrors);

export default app;
