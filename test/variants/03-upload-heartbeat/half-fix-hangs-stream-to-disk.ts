/**
 * RED-TEAM VARIANT
 * alternative (correct). No timer and no buffering: pipeline(req -> counting/hashing Transform -> own temp file), rename on success,
 * rm on failure; progress updated per chunk. (First version used the service's createUploadStream(name): an overlapping same-name
 * retry shared the '.partial' file and hung; fixed with a unique temp name.)
 * Proof: timers 2, arrayBuffers 3.0 MiB (baseline) after all drops; sha OK, mid progress 200, stale 404, retry 201, 413/400.
 * Check: PASS quiet and loaded.
 * RECLASSIFIED once the checker's disk could be full (uploads named disk-full-*): createWriteStream fails to open
 * (ENOSPC), pipeline() destroys the request with it, and `if (!req.destroyed) next(error)` then answers nothing. The
 * app's upload never gets a response and its connection stays open: the check says "2 connection(s) were still open
 * 10 s after the requests ended" (could not check), for the two uploads the disk refused.
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { checkFileName, MAX_UPLOAD_BYTES, UPLOADS_DIR, uploadPath } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

/** Progress of the uploads running now; an entry is updated as bytes arrive (no timer) and removed when the upload ends. */
const uploadProgress = new Map<string, { received: number; expected: number }>();

app.put('/uploads/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const expected = Number(req.headers['content-length']);
  if (!Number.isSafeInteger(expected)) {
    res.status(411).json({ error: 'send the upload with a Content-Length' });
    return;
  }
  if (expected > MAX_UPLOAD_BYTES) {
    res.status(413).json({ error: `uploads are limited to ${MAX_UPLOAD_BYTES} bytes` });
    return;
  }
  const progress = { received: 0, expected };
  uploadProgress.set(name, progress);
  const hash = createHash('sha256');
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      progress.received += chunk.length;
      done(null, chunk);
    },
  });
  // each upload writes its own temporary file, so a retry that overlaps a dropped upload of the same name is safe
  const partial = `${uploadPath(name)}.${randomUUID()}.partial`;
  try {
    await mkdir(UPLOADS_DIR, { recursive: true });
    await pipeline(req, count, createWriteStream(partial));
    await rename(partial, uploadPath(name));
    res.status(201).json({ name, bytes: progress.received, sha256: hash.digest('hex') });
  } catch (error) {
    await rm(partial, { force: true });
    if (!req.destroyed) next(error);
  } finally {
    if (uploadProgress.get(name) === progress) uploadProgress.delete(name);
  }
});

app.get('/uploads/:name/progress', (req, res) => {
  const progress = uploadProgress.get(req.params.name);
  if (progress) res.json(progress);
  else res.status(404).json({ error: 'no upload in progress' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/photo.jpg');
