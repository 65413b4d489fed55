/**
 * Scenario 09 fixed another way: a plain loop over the request's chunks that
 * waits for 'drain' whenever the file stream's write() says its buffer is
 * full, so the request is not read faster than the disk takes it.
 *
 * Lecture recordings for the course platform. Teachers upload their videos
 * with PUT /uploads/:name, up to 64 MiB each, often a whole week's lectures
 * at once. Some clients announce the size (Content-Length), others stream it
 * chunked; either way, a recording over the limit is refused with 413.
 */
import express from 'express';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { answerErrors } from '#service/http-errors';

const app = express();

app.put('/uploads/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
  const out = await createUploadStream(name);
  out.on('error', () => undefined); // a failed open or write (a full disk) is what finished() below rejects with
  let received = 0;
  try {
    for await (const chunk of req) {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await finished(out);
    await commitUpload(name);
  } catch (error) {
    // A write still in flight fails once the stream is destroyed: expected here; the close is what to wait for.
    out.on('error', () => undefined);
    const closed = out.closed ? Promise.resolve() : new Promise<void>((resolve) => out.once('close', () => resolve()));
    out.destroy();
    await closed;
    await discardUpload(name);
    throw error;
  }
  res.status(201).json({ name, bytes: received });
});

app.use(answerErrors);

export default app;
