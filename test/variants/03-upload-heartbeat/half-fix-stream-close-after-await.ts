/*
 * half fix: uploads now stream to disk (createUploadStream, req.pipe(out))
 * with a hash computed on the way. The heartbeat starts at once, but its
 * clean-up (clear the timer, delete the entry, destroy the file, discard the
 * partial) is attached to the request's 'close' only after
 * `await createUploadStream(name)`: a phone that drops during that await
 * (right after its headers) has already closed, so its heartbeat runs for
 * ever. A disk that fails mid-write ('error' on out) is answered 500.
 * Proof: /tmp/rt-03-scratch/drops.mjs 1000 drops: 987 Timeouts, fds 35 -> 1014.
 * Check verdict after round 12's fixes: FAIL (right).
 */
/**
 * Photo uploads for the print shop. Uploads can take a while on a phone
 * connection, so while one is running the service records its progress four
 * times a second; the app polls GET /uploads/:name/progress to draw a progress bar.
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { commitUpload, createUploadStream, discardUpload } from '#service/storage';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();

app.put('/uploads/:name', async (req, res, next) => {
  try {
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
    const heartbeat = setInterval(() => {
      uploadProgress.set(name, progress);
    }, 250);
    const out = await createUploadStream(name);
    const hash = createHash('sha256');
    let failed = false;
    const stop = () => {
      clearInterval(heartbeat);
      if (uploadProgress.get(name) === progress) uploadProgress.delete(name);
    };
    req.on('close', () => {
      stop();
      if (!req.complete) {
        out.destroy();
        void discardUpload(name);
      }
    });
    out.on('error', (error) => {
      failed = true;
      stop();
      req.unpipe(out);
      req.resume();
      out.destroy();
      void discardUpload(name);
      next(error);
    });
    req.on('data', (chunk: Buffer) => {
      progress.received += chunk.length;
      hash.update(chunk);
    });
    req.pipe(out);
    out.on('finish', () => {
      if (failed) return;
      commitUpload(name).then(
        () => res.status(201).json({ name, bytes: progress.received, sha256: hash.digest('hex') }),
        next,
      );
    });
  } catch (error) {
    next(error);
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
