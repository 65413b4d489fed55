/**
 * INTENDED: pipeline(req, await createUploadStream()) with progress/hash counted by a req 'data' listener attached before the await.
 * ACTUALLY: NO LEAK but BROKEN: the data listener starts the flow during the await, so the first chunks never reach the file; the 201 carries the right SHA-256 of a truncated file; disk-full uploads answered 201.
 * PROOF: driver: stored bytes differ; disk-full answered 201.
 * Check: FAIL on the contract only ('The upload upload-10.jpg was not stored byte-exact'; every measure green). RIGHT.
 */
/**
 * Photo uploads for the print shop. Uploads can take a while on a phone
 * connection, so while one is running the service records its progress four
 * times a second; the app polls GET /uploads/:name/progress to draw a progress bar.
 */
import express from 'express';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { checkFileName, commitUpload, createUploadStream, discardUpload, MAX_UPLOAD_BYTES } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();

app.put('/uploads/:name', (req, res, next) => {
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
  // No timer at all: progress is recorded as the bytes arrive, in the pipeline that streams them to disk.
  const mine = { received: 0, expected };
  uploadProgress.set(name, mine);
  const hash = createHash('sha256');
  // Count and hash the bytes as they arrive.
  req.on('data', (chunk: Buffer) => {
    mine.received += chunk.length;
    hash.update(chunk);
  });
  (async () => {
    try {
      await pipeline(req, await createUploadStream(name));
      if (mine.received !== expected) throw Object.assign(new Error('upload ended early'), { status: 400 });
      await commitUpload(name);
      res.status(201).json({ name, bytes: mine.received, sha256: hash.digest('hex') });
    } catch (error) {
      await discardUpload(name).catch(() => {});
      if (!res.headersSent && !res.destroyed) next(error);
      else res.destroy();
    } finally {
      // Only our own entry: a retry under the same name may have replaced it.
      if (uploadProgress.get(name) === mine) uploadProgress.delete(name);
    }
  })();
});

app.get('/uploads/:name/progress', (req, res) => {
  const progress = uploadProgress.get(req.params.name);
  if (progress) res.json(progress);
  else res.status(404).json({ error: 'no upload in progress' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/photo.jpg');
