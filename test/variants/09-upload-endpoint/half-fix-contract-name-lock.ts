/**
 * Lecture recordings for the course platform. Teachers upload their videos
 * with PUT /uploads/:name, up to 64 MiB each, often a whole week's lectures
 * at once. Some clients announce the size (Content-Length), others stream it
 * chunked; either way, a recording over the limit is refused with 413.
 */
/**
 * half-fix. Intended: serialize uploads of the same name (they share the .partial file) with a per-name promise in a Map.
 * Actually: the lock is released only on success; after a hang-up or a 413 the name stays locked for ever, every later upload of that name waits for ever, and the waiting requests pile up.
 * Proof (_hand/lock09.mjs): 201, then an upload of x.mp4 aborted after 1 MiB, then 5 of 5 later uploads of x.mp4 timed out after 1 s; y.mp4 gets 201. The same script on alternative-filehandle-sequential: 5 × 201.
 * Check: PASS (778 KiB) -> SLIPPED: the check never uploads a name again after a failed upload of it.
 */
import express from 'express';
import { open } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { checkFileName, commitUpload, createUploadStream, discardUpload, uploadPath } from '#service/storage';
import { MAX_VIDEO_UPLOAD_BYTES, UploadTooLargeError } from '#service/upload-limits';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

/** Two uploads of the same name would write the same .partial file: one at a time per name. */
const uploading = new Map<string, Promise<void>>();

app.put('/uploads/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  if (Number(req.headers['content-length'] ?? 0) > MAX_VIDEO_UPLOAD_BYTES) {
    next(new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES));
    return;
  }
  while (uploading.has(name)) await uploading.get(name);
  let done!: () => void;
  uploading.set(name, new Promise<void>((resolve) => (done = resolve)));
  const partial = `${uploadPath(name)}.partial`;
  await mkdir(path.dirname(partial), { recursive: true });
  const handle = await open(partial, 'w');
  let received = 0;
  let stored = false;
  try {
    // One awaited write per chunk: the request is not read further until the disk has taken the chunk.
    for await (const chunk of req as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > MAX_VIDEO_UPLOAD_BYTES) throw new UploadTooLargeError(MAX_VIDEO_UPLOAD_BYTES);
      await handle.write(chunk);
    }
    stored = true;
  } catch (error) {
    next(error);
  } finally {
    await handle.close();
    if (!stored) await discardUpload(name);
  }
  if (!stored) return;
  await commitUpload(name);
  uploading.delete(name);
  done();
  res.status(201).json({ name, bytes: received });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/lecture-01.mp4');
