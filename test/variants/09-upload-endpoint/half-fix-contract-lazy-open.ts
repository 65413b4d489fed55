/**
 * Lecture recordings for the course platform. Teachers upload their videos
 * with PUT /uploads/:name, up to 64 MiB each, often a whole week's lectures
 * at once. Some clients announce the size (Content-Length), others stream it
 * chunked; either way, a recording over the limit is refused with 413.
 */
/**
 * half-fix-contract. Intended: open the .partial file only when the first chunk arrives, so a refused upload never touches the disk.
 * Actually: an empty upload (Content-Length: 0, a legal file) never opens it, so commitUpload's rename fails with ENOENT and the client gets a 500 instead of a 201. In one hand run, a hang-up also crashed the process with an unhandled ERR_STREAM_DESTROYED.
 * Proof: up09.mjs: empty upload -> 500 'internal error', no file stored; 3×24 MiB byte-exact 201.
 * Check: PASS (1022 KiB) -> SLIPPED: the check never uploads an empty file.
 */
import express from 'express';
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
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
  // Open the file only once the first bytes arrive: a refused upload never touches the disk.
  let file: WriteStream | undefined;
  let received = 0;
  try {
    for await (const chunk of req) {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
      // Kit: a hang-up can fail a write after the stream is destroyed; without a listener that crashes the
      // process (Node 24, every run of the check), a bug other than the one this variant is kept for.
      file ??= (await createUploadStream(name)).on('error', (error) => console.error(`upload ${name}:`, error.message));
      if (!file.write(chunk)) await once(file, 'drain');
    }
    file?.end();
    if (file) await once(file, 'close');
    await commitUpload(name);
  } catch (error) {
    file?.destroy();
    await discardUpload(name);
    next(error);
    return;
  }
  res.status(201).json({ name, bytes: received });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
