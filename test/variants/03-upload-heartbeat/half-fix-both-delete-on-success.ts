/**
 * half-fix-both (red team, round 10). Heartbeat cleared on end and on close; the progress entry is deleted on a
 * drop, and after a successful write only ("keep the bar up until stored"): when storing fails (ENOSPC, a 5xx), the
 * entry stays, for ever.
 * Hand proof (drive03): a disk-full upload paused 600 ms (past a heartbeat tick) still answers
 * {"received":1572864,"expected":3145728} on GET /uploads/disk-full-1.jpg/progress after its 500, for good.
 * Check was: PASS (its disk-full uploads ended before the first 250 ms tick). Now the second disk-full upload's phone
 * pauses halfway until the app has shown its progress: FAIL, progress entries kept: yours 1 (bar 0), and the contract:
 * "GET /uploads/disk-full-2.jpg/progress still reports … after that upload failed to be stored (the disk was full)".
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

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('close', () => {
    // the phone dropped: stop the heartbeat and forget its progress
    if (!req.complete) {
      clearInterval(heartbeat);
      uploadProgress.delete(name);
    }
  });
  req.on('end', () => {
    clearInterval(heartbeat);
    const photo = Buffer.concat(chunks);
    chunks.length = 0;
    writeUpload(name, photo).then(
      () => {
        // keep the bar up until the photo is really stored
        uploadProgress.delete(name);
        res.status(201).json({ name, bytes: photo.length, sha256: createHash('sha256').update(photo).digest('hex') });
      },
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
