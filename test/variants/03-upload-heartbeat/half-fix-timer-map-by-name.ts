/*
 * half fix: heartbeats are kept in a Map<name, Timeout> and stopped on the
 * request's 'close' by looking the name up. A retry of the same name while the
 * first attempt is still open overwrites the first attempt's timer in the Map;
 * the retry's 'close' clears the retry's timer and deletes the name, so when
 * the first attempt drops there is nothing to clear: its interval runs for
 * ever, keeping its chunks and rewriting a stuck progress entry.
 * Proof: /tmp/rt-03-scratch/drive.mjs: 400 rounds -> 400 Timeouts, arrayBuffers
 * +50 MiB, retry-0 progress answers 200 for ever.
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

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();
const heartbeats = new Map<string, NodeJS.Timeout>();

function stop(name: string) {
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

  heartbeats.set(name, setInterval(() => {
    uploadProgress.set(name, { received, expected });
  }, 250));
  req.on('close', () => stop(name));

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    stop(name);
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
