/*
 * half fix: the heartbeat is cleared on 'close' (complete or dropped), but
 * instead of deleting the progress entry it is replaced with a tombstone
 * `{ over: true }` so the progress route can answer 404 "upload is over".
 * Entries are keyed by the file path the upload is stored at
 * (`uploadPath(name)`), not by the bare name. One tombstone per upload name
 * stays in the Map for ever: every new photo name adds one.
 * Proof: /tmp/rt-03-scratch/drops.mjs: heapUsed +952 KiB at 1000 drops,
 * +2781 KiB at 4000 (~610 B per upload name).
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
import { uploadPath } from '#service/storage';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number } | { over: true }>();

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
  const key = uploadPath(name);
  const chunks: Buffer[] = [];
  let received = 0;

  const heartbeat = setInterval(() => {
    uploadProgress.set(key, { received, expected });
  }, 250);
  req.on('close', () => {
    clearInterval(heartbeat);
    uploadProgress.set(key, { over: true });
  });

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    clearInterval(heartbeat);
    const photo = Buffer.concat(chunks);
    chunks.length = 0;
    writeUpload(name, photo).then(
      () => res.status(201).json({ name, bytes: photo.length, sha256: createHash('sha256').update(photo).digest('hex') }),
      next,
    );
  });
});

app.get('/uploads/:name/progress', (req, res) => {
  const progress = uploadProgress.get(uploadPath(checkFileName(req.params.name)));
  if (progress && !('over' in progress)) res.json(progress);
  else res.status(404).json({ error: 'no upload in progress' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/photo.jpg');
