/**
 * INTENDED: no extra listeners at all: the heartbeat itself notices, on its
 *   next tick, that its request is gone (`req.destroyed`) and stops itself
 *   and takes its progress entry with it; the 'end' handler stops it at once
 *   for a complete upload.
 * ACTUALLY: CORRECT: a dropped upload's interval, chunks and progress are
 *   gone at most 250 ms after the drop (one tick), on every drop path,
 *   including a drop before the first byte. The 413 path never starts one.
 * PROOF: drive03.mts: 2 heartbeats still live at t+0.05 s, 0 at t+0.4 s; 3.0 MiB
 *   arrayBuffers after gc() (baseline); no progress for any upload that is
 *   over; 201s with the right SHA-256, 413, 400.
 * Check: PASS: timers 0, upload bytes 0 B, listeners 0, fds 0. RIGHT.
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
  let mine: { received: number; expected: number } | undefined;

  const stop = () => {
    clearInterval(heartbeat);
    if (mine && uploadProgress.get(name) === mine) uploadProgress.delete(name);
    mine = undefined;
  };
  const heartbeat = setInterval(() => {
    if (req.destroyed) {
      stop();
      return;
    }
    mine = { received, expected };
    uploadProgress.set(name, mine);
  }, 250);

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    stop();
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
