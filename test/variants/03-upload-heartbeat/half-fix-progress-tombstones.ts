/**
 * INTENDED: Instead of deleting the progress entry (a late beat could re-create it), overwrite it with a tombstone {over:true}; the route answers 404 for tombstones.
 * ACTUALLY: LEAKS one Map entry (name + object) per distinct upload name, forever; every photo has a new name, so it grows per upload. No timer, no big Buffer, GET answers 404.
 * PROOF: driver d03names: 10000 uploads with distinct names -> heap +3844 KiB vs +1915 KiB for correct-timers-promises-signal (2000: +529 vs +51 KiB); by construction nothing ever deletes from the Map.
 * Check: FAIL (progress entries kept after the uploads ended: yours 24, bar 0; all else green). RIGHT since that measure was added (it was PASS, all green: WRONG).
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

const uploadProgress = new Map<string, { received: number; expected: number; over?: true }>();

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
  // However the upload ends, stop its heartbeat and mark its progress as over (a tombstone, so that a
  // beat already queued cannot bring a deleted entry back; the progress route answers 404 for it).
  const over = () => {
    clearInterval(heartbeat);
    uploadProgress.set(name, { received, expected, over: true });
  };
  req.on('close', over);
  req.on('end', () => {
    over();
    const photo = Buffer.concat(chunks);
    writeUpload(name, photo).then(
      () => res.status(201).json({ name, bytes: photo.length, sha256: createHash('sha256').update(photo).digest('hex') }),
      next,
    );
  });
});

app.get('/uploads/:name/progress', (req, res) => {
  const progress = uploadProgress.get(req.params.name);
  if (progress && !progress.over) res.json(progress);
  else res.status(404).json({ error: 'no upload in progress' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/photo.jpg');
