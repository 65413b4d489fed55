/*
 * half fix: the heartbeat is cleared and the progress entry deleted on
 * 'close' (complete or dropped). The server also stops every heartbeat on
 * shutdown: each upload adds a listener to a module-level `shutdown`
 * EventEmitter, made with Function.prototype.bind from a module-level
 * function, and removes it on 'end' only. A dropped upload never ends, so its
 * bound listener (and the Timeout object it is bound to) stays on `shutdown`
 * for ever; Node warns MaxListenersExceededWarning after the 11th drop.
 * Proof: /tmp/rt-03-scratch/drops.mjs: MaxListenersExceededWarning, heapUsed
 * +981 KiB at 1000 drops, +2857 KiB at 4000.
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
import { EventEmitter } from 'node:events';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();
const shutdown = new EventEmitter();

function stopHeartbeat(this: void, heartbeat: NodeJS.Timeout) {
  clearInterval(heartbeat);
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
  const progress = { received, expected };

  const heartbeat = setInterval(() => {
    progress.received = received;
    uploadProgress.set(name, progress);
  }, 250);
  const onShutdown = stopHeartbeat.bind(undefined, heartbeat);
  shutdown.on('shutdown', onShutdown);
  req.on('close', () => {
    clearInterval(heartbeat);
    if (uploadProgress.get(name) === progress) uploadProgress.delete(name);
    chunks.length = 0;
  });

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    shutdown.off('shutdown', onShutdown);
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
  else res.status(404).json({ error: 'no upload in progress' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/photo.jpg');
