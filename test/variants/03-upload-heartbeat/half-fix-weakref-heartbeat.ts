/**
 * INTENDED: let the heartbeat look after itself: it holds the upload's
 *   request weakly and, once the request is gone, stops and forgets the
 *   upload's progress. A finished upload stops it at once.
 * ACTUALLY: LEAKS timers and progress entries for every dropped upload until
 *   the collector collects its request, which a service does when its heap
 *   fills: a request that lived a few seconds sits in the old generation
 *   for minutes. Until then the interval beats four times a second and the
 *   app shows the dropped upload stuck at its last figure.
 * PROOF: by hand, without --expose-gc: 10 uploads dropped at 40 %, 10
 *   intervals still beating and 10 progress entries 10 s later.
 * Check: FAIL on timers, at the heartbeat's line, with the WeakRef's line beside it.
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

  // the heartbeat holds the request weakly: once it is gone, so is the heartbeat
  const upload = new WeakRef(req);
  const heartbeat = setInterval(() => {
    if (!upload.deref()) {
      clearInterval(heartbeat);
      uploadProgress.delete(name);
      return;
    }
    uploadProgress.set(name, { received, expected });
  }, 250);

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
