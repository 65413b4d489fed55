/**
 * RED TEAM VARIANT: unref()s the heartbeat and clears it on 'end' only.
 * HALF FIX
 * Proof (by hand): node --import tsx redteam/03/drivers/drive.ts redteam/03/h6-unref-end-only.ts: 11 unref'd 250 ms intervals alive, 17 MiB arrayBuffers, 11 stuck progress entries.
 * Check verdict: FAIL (timers incl. unref'd; bytes; progress entries; functions still alive, 33; contract) - RIGHT
 * The same code (comments aside) was also written, blind, as half-fix-unref-success-only.ts; it is checked once, here. Its notes:
 *   half fix: the heartbeat is unref'd ("so it cannot keep the process up") and cleared, with its progress entry, on 'end'
 *   only: the success path. A dropped upload's interval keeps running (unref does not stop it), with its chunks, and its
 *   progress stays stuck. Proof: drive.mjs: 20 rounds arrayBuffers +5 MiB, drop-0/early-0/retry-0 progress answer 200;
 *   drops.mjs +9 KiB heap per drop (unref'd timers are not in getActiveResourcesInfo, so the Timeout count there stays 0).
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

  // unref: a heartbeat must never keep the process awake
  const heartbeat = setInterval(() => {
    uploadProgress.set(name, { received, expected });
  }, 250).unref();

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
