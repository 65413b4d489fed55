/**
 * INTENDED: Stop heartbeat/forget progress when the phone's connection closes (req.socket 'close').
 * ACTUALLY: LEAKS one socket listener (with its request and chunks) per upload on a kept-alive connection until it closes.
 * PROOF: driver: keep-alive socket listeners 11 -> 14 after 4 uploads.
 * Check: FAIL (listeners left on a connection yours 4; upload bytes 12.0 MiB). RIGHT.
 * The same code (comments aside) was also written, blind, as half-fix-socket-close-r13.ts; it is checked once, here. Its notes:
 *   half-fix. stops the heartbeat and deletes its progress from req.socket.once('close') (and 'end'), so every upload on a kept-alive connection leaves a listener holding its chunks.
 *   Proof: drv/d03.mjs: arrayBuffers +12 MiB per round (the 4 keep-alive uploads' 3 MiB each), 24 MiB after 2 rounds.
 *   Check: FAIL (upload bytes 12 MiB, functions 12, listeners on kept-open connection 4). Correct verdict.
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

  const heartbeat = setInterval(() => {
    uploadProgress.set(name, { received, expected });
  }, 250);

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  // If the phone's connection drops, stop the heartbeat and forget the upload.
  req.socket.once('close', () => {
    clearInterval(heartbeat);
    uploadProgress.delete(name);
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
