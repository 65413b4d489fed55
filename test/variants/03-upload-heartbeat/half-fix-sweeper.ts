/**
 * INTENDED: the 'end' handler already stops the heartbeat of a complete
 *   upload; for the dropped ones, one janitor every 5 s (unref'd, created
 *   once at start-up) stops the heartbeat and drops the progress of every
 *   upload whose request is gone.
 * ACTUALLY: LEAKS between sweeps on the dropped path: a dropped upload's
 *   250 ms interval keeps running, keeps its received chunks (up to 16 MiB)
 *   and keeps reporting stale progress for up to 5 s after the drop; a
 *   busy evening's drops all pile up between two sweeps.
 * PROOF: drive03.mts (8 whole, 4 kept-alive, 8 dropped after 2 MiB once
 *   polled, a retry, 2 drops before a byte, 2 × 413): 11 live heartbeats,
 *   20 MiB of arrayBuffers (3 MiB baseline) after gc() and 11 stale
 *   progress answers at t+0.4 s and t+2 s; all gone at t+10 s.
 * Check: FAIL: timers yours 11 (interval, every 250 ms), upload bytes 18.0 MiB,
 *   dropped-0.jpg progress still reported. RIGHT.
 */
import express, { type Request } from 'express';
import { createHash } from 'node:crypto';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();
const running = new Map<Request, { name: string; heartbeat: NodeJS.Timeout }>();

setInterval(() => {
  for (const [req, upload] of running) {
    if (req.destroyed) {
      clearInterval(upload.heartbeat);
      uploadProgress.delete(upload.name);
      running.delete(req);
    }
  }
}, 5000).unref();

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
  running.set(req, { name, heartbeat });

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    clearInterval(heartbeat);
    running.delete(req);
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
