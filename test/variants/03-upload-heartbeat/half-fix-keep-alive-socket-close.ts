/**
 * INTENDED: clear the heartbeat and drop the progress on 'end' (complete) and when the connection closes
 *   (socket 'close': "a dropped phone always closes its connection").
 * ACTUALLY: nothing leaks on a drop, but on a keep-alive connection (the phone app sending a whole order of
 *   photos on one connection) every completed upload leaves a 'close' listener on the socket that closes over
 *   its `chunks`: all the photos of the batch stay in memory until the connection closes (and Node warns
 *   MaxListenersExceeded on the Socket after 10 uploads).
 * PROOF: rt-tools/d03ka.ts: 8 complete uploads on one keep-alive connection → arrayBuffers +24.0 MiB while open, 0 after close. Check: PASS quiet and loaded (slipped).
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
  const stop = () => {
    clearInterval(heartbeat);
    uploadProgress.delete(name);
  };

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.socket.once('close', stop);
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
