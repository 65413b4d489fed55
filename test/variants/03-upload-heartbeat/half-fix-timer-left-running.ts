/**
 * INTENDED: On drop: delete progress and free chunks (chunks.length = 0); clearInterval only on 'end'. Timers from `import { setInterval } from 'node:timers'` (probes a monkey-patched counter).
 * ACTUALLY: LEAKS one 250 ms interval (and its req/res) per dropped upload.
 * PROOF: driver: getActiveResourcesInfo Timeout +14 (my global-setInterval wrapper saw 0: the import bypasses it), 12 req/res alive.
 * Check: FAIL (timers yours 11). RIGHT.
 */
/**
 * Photo uploads for the print shop. Uploads can take a while on a phone
 * connection, so while one is running the service records its progress four
 * times a second; the app polls GET /uploads/:name/progress to draw a progress bar.
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { setInterval, clearInterval } from 'node:timers';
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

  const progress = { received: 0, expected };
  uploadProgress.set(name, progress);
  const heartbeat = setInterval(() => {
    progress.received = received;
  }, 250);
  // A dropped upload: forget its progress and free what it had received.
  req.on('close', () => {
    if (req.complete) return;
    if (uploadProgress.get(name) === progress) uploadProgress.delete(name);
    chunks.length = 0;
  });

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    clearInterval(heartbeat);
    if (uploadProgress.get(name) === progress) uploadProgress.delete(name);
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
