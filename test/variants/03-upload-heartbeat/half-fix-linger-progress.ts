/**
 * INTENDED: stop the heartbeat as soon as the request closes (complete or
 *   dropped), but let the app still see a dropped upload's last figure for
 *   30 s so it can say "upload interrupted at 67%": the progress entry is
 *   deleted by an unref'd 30 s timer.
 * ACTUALLY: LEAKS for 30 s on the dropped path: the linger timer lives 30 s
 *   (unref'd does not mean gone), and since it is created in the handler's
 *   scope it shares V8's closure context with `chunks`: every dropped
 *   upload's received bytes (2 MiB each here) stay for 30 s, and its
 *   progress keeps being reported after the upload is over.
 * PROOF: drive03.mts: 11 live timers (unref'd 30 s timeouts), 20 MiB of
 *   arrayBuffers after gc() (17 MiB over baseline: the chunks in the shared
 *   closure context) and 8 stale progress answers at t+0.4, 2 and 10 s.
 * Check: FAIL: timers yours 11 (timeout of 30000 ms, unref'd), upload bytes
 *   18.0 MiB, dropped-0.jpg progress still reported. RIGHT.
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();
const SHOW_INTERRUPTED_MS = 30_000;

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

  req.on('close', () => {
    clearInterval(heartbeat);
    if (!req.complete) {
      setTimeout(() => uploadProgress.delete(name), SHOW_INTERRUPTED_MS).unref();
    }
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
