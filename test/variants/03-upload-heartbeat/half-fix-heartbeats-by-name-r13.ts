/**
 * half-fix. keeps the heartbeats in a Map by upload name and stops them by name, so a retry overwrites the first attempt's timer, which then runs for ever.
 * Proof: drv/d03.mjs: +1 timer and +1 MiB arrayBuffers per round (the retried name), stale progress for retry-N.jpg.
 * Check: FAIL (timers 1, progress entries 1, functions 4, stuck progress for retried.jpg). Correct verdict.
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

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();
/** The heartbeat of each upload running, by its name, so it can be stopped from anywhere. */
const heartbeats = new Map<string, NodeJS.Timeout>();

function stopHeartbeat(name: string): void {
  clearInterval(heartbeats.get(name));
  heartbeats.delete(name);
  uploadProgress.delete(name);
}

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

  heartbeats.set(
    name,
    setInterval(() => {
      uploadProgress.set(name, { received, expected });
    }, 250),
  );
  req.on('close', () => stopHeartbeat(name));

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    stopHeartbeat(name);
    const photo = Buffer.concat(chunks);
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
