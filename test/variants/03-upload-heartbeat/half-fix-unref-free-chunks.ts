/**
 * RED-TEAM VARIANT
 * half-fix (still leaks). Intent: unref() the heartbeat so it cannot keep the process alive, and drop a dropped upload's chunks.
 * Actually: the interval still runs 4x/s forever for every dropped upload and keeps rewriting a stale progress entry
 * ('stuck at 43%' remains); only the bytes are freed.
 * Proof: after 8 fast + 4 slow drops: 14 live Timeout handles by async_hooks (baseline 2), but process.getActiveResourcesInfo()
 * lists 0 Timeouts (unref'd timers are hidden); progress of a dropped upload still 200 {received:2097152}; arrayBuffers 3.0 MiB (baseline).
 * Check: PASS ('yours 0' timers) -> SLIPPED: the timer count does not see unref'd intervals.
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
  heartbeat.unref(); // a heartbeat must never keep the process alive

  req.on('close', () => {
    if (!req.complete) chunks.length = 0; // a dropped upload's bytes are useless: let them go
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
