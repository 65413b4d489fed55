/*
 * half fix: heartbeat cleared and progress entry deleted on 'close'; but to
 * tell the app "finished" from "never started", the server records each
 * upload's outcome in `uploadStatus`, a Map from a namespaced key
 * (`upload:<name>`) to the string 'done' or 'dropped', never pruned. The
 * progress route answers 404 either way (with the status in the body). One
 * entry per upload name for as long as the process runs.
 * Proof: /tmp/rt-03-scratch/drops.mjs: heapUsed +670 KiB at 1000, +1534 KiB at 4000.
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
const uploadStatus = new Map<string, 'done' | 'dropped'>();

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
  const progress = { received: 0, expected };

  const heartbeat = setInterval(() => {
    uploadProgress.set(name, progress);
  }, 250);
  req.on('close', () => {
    clearInterval(heartbeat);
    if (uploadProgress.get(name) === progress) uploadProgress.delete(name);
    uploadStatus.set(`upload:${name}`, req.complete ? 'done' : 'dropped');
    chunks.length = 0;
  });

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    progress.received += chunk.length;
  });
  req.on('end', () => {
    clearInterval(heartbeat);
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
  else res.status(404).json({ error: 'no upload in progress', status: uploadStatus.get(`upload:${req.params.name}`) ?? 'unknown' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/photo.jpg');
