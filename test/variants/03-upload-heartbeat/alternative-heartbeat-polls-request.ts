/**
 * KIND: correct
 * INTENDED: the heartbeat checks its request on each beat: once the request is over (complete or
 *           destroyed) it stops and drops the progress, within one beat (250 ms); no listener to forget.
 * ACTUALLY: right: the heartbeat stops itself within one beat (≤250 ms) of the request ending, and at 'end' directly.
 * PROOF: drive03.mjs: 0 timers, 0 MiB, all progress 404 at t+0.5 s; 12/12 201 with right SHA; 413/400 kept.
 * Check: PASS. RIGHT.
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
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
  const chunks: Buffer[] = [];
  let received = 0;

  const stop = () => {
    clearInterval(heartbeat);
    uploadProgress.delete(name);
  };
  const heartbeat = setInterval(() => {
    if (req.destroyed || req.readableEnded) stop();
    else uploadProgress.set(name, { received, expected });
  }, 250);

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    const photo = Buffer.concat(chunks);
    chunks.length = 0;
    stop();
    writeUpload(name, photo).then(
      () => res.status(201).json({ name, bytes: photo.length, sha256: createHash('sha256').update(photo).digest('hex') }),
      next,
    );
  });
});

app.get('/uploads/:name/progress', (req, res) => {
  const progress = uploadProgress.get(req.params.name);
  if (progress) res.json(progress);
  else res.status(404).json({ error: 'no upload in progress' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/photo.jpg');
