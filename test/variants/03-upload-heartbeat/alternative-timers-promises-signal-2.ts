/**
 * INTENDED: Heartbeat as for-await over timers/promises setInterval with an AbortSignal; abort on res 'close' and on 'end'; delete progress in finally.
 * ACTUALLY: CORRECT.
 * PROOF: driver: 0 timers, 0 fds, 0 req/res, no progress for over uploads, bytes exact.
 * Check: PASS. RIGHT.
 */
/**
 * Photo uploads for the print shop. Uploads can take a while on a phone
 * connection, so while one is running the service records its progress four
 * times a second; the app polls GET /uploads/:name/progress to draw a progress bar.
 */
import express from 'express';
import { setInterval } from 'node:timers/promises';
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

  // The heartbeat is an async loop over timers/promises' setInterval: aborting the signal ends it.
  // The response's 'close' comes however the exchange ends: answered, or the phone gone.
  const over = new AbortController();
  res.once('close', () => over.abort());
  (async () => {
    try {
      for await (const _ of setInterval(250, undefined, { signal: over.signal })) uploadProgress.set(name, { received, expected });
    } catch {
      // aborted: the upload is over
    } finally {
      uploadProgress.delete(name);
    }
  })();

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    over.abort();
    const photo = Buffer.concat(chunks);
    chunks.length = 0;
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
