/**
 * RED TEAM VARIANT: Stops the interval on 'close', keeps the last progress for a 5 s grace timeout before deleting it.
 * HALF FIX (per README: a clean-up from a timer of 1 s or more is held)
 * Proof (by hand): node --import tsx redteam/03/drivers/drive.ts redteam/03/h9-grace-period.ts: 13 stuck progress entries and 13 pending 5 s timeouts at +1.2 s, 24 MiB arrayBuffers held through the timeouts' scope.
 * Check verdict: FAIL (timers; bytes; progress entries; names; functions still alive; contract) - RIGHT
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
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(heartbeat);
    uploadProgress.set(name, { received, expected });
    // leave the last reading up for a few seconds, so the app's last poll sees where it ended
    setTimeout(() => uploadProgress.delete(name), 5000).unref();
  };
  req.on('close', stop);

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
