/**
 * half-fix. correct heartbeat cleanup, plus a module-level Set of uploads in flight (socket + start time, for a SIGTERM) added before the size check and removed on 'close', which a 413'd request never gets.
 * Proof: drv/mass.mjs KIND=413 N=3000: heapUsed +2020 B per refused upload vs 199-203 B for the leaky server and alternative-shared-ticker-class (the Set keeps every refused request's socket).
 * Check: FAIL (records 22 from uploadsInFlight). Correct verdict.
 */
import express from 'express';
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();

/** The uploads in flight, so a shutdown can cut their connections instead of waiting for slow phones. */
const uploadsInFlight = new Set<{ socket: Socket; startedAt: number }>();
process.once('SIGTERM', () => {
  for (const upload of uploadsInFlight) upload.socket.destroy();
});

app.put('/uploads/:name', (req, res, next) => {
  const inFlight = { socket: req.socket, startedAt: Date.now() };
  uploadsInFlight.add(inFlight);
  req.once('close', () => uploadsInFlight.delete(inFlight));

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

  const heartbeat = setInterval(() => {
    uploadProgress.set(name, { received, expected });
  }, 250);
  // the upload is over when its request is, whether it arrived whole or the phone dropped
  req.once('close', () => {
    clearInterval(heartbeat);
    uploadProgress.delete(name);
  });

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    clearInterval(heartbeat);
    uploadProgress.delete(name);
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
