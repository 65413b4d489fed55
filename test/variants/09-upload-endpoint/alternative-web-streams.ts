/**
 * KIND: alternative. Correct fix with Web Streams: ReadableStream.from(req), which pulls from the request's async
 * iterator only when asked (Readable.toWeb(req), even with a 256 KiB ByteLengthQueuingStrategy, measured 41 MiB,
 * then 13.6 MiB peak here on Node 20: see half-fix-web-streams-default-strategy.ts)
 * -> a TransformStream that counts bytes and errors past the limit -> a WritableStream whose write() resolves when
 * the file took the chunk (Writable.toWeb(file) measured 41 MiB peak for 3 uploads on Node 20). pipeTo() respects backpressure and rejects on a
 * hang-up or the limit; the .partial file is then discarded.
 * PROOF (by hand, variants/_hand/h09*.ts): peak 8.8 / 6.3 MiB; same contract probes all fine, no leftovers, 0 fds.
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

app.put('/uploads/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
  let received = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      received += chunk.byteLength;
      if (received > MAX_VIDEO_UPLOAD_BYTES) controller.error(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
      else controller.enqueue(chunk);
    },
  });
  const file = await createUploadStream(name);
  file.on('error', () => undefined); // a failed open or write reaches the write and end callbacks below
  try {
    await ((ReadableStream as unknown as { from(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> }).from(req as AsyncIterable<Uint8Array>) as ReadableStream<Uint8Array>).pipeThrough(counter).pipeTo(new WritableStream<Uint8Array>({
      // One chunk at a time: the next write waits until the file took this one.
      write: (chunk) => new Promise<void>((resolve, reject) => file.write(chunk, (error) => (error ? reject(error) : resolve()))),
      close: () => new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve()))),
    }, new ByteLengthQueuingStrategy({ highWaterMark: 256 * 1024 })));
  } catch (error) {
    file.destroy();
    req.destroy();
    await discardUpload(name);
    throw error;
  }
  await commitUpload(name);
  res.status(201).json({ name, bytes: received });
});

app.use(answerErrors);

export default app;
