/**
 * RED TEAM VARIANT: Full cleanup on 'close', plus a module Map<string, boolean> 'uploading' set to false (never deleted) when an upload ends.
 * HALF FIX
 * Proof (by hand): node --import tsx redteam/03/drivers/drive.ts redteam/03/h8-active-flag-map.ts: 25 of 25 names alive after gc; node --import tsx redteam/03/drivers/scale.ts redteam/03/h8-active-flag-map.ts 3000: heapUsed after gc +502 KiB per batch of 3000 uploads (c1: -10 KiB).
 * Check verdict now: FAIL (names of uploads kept elsewhere: 24, path uploading -> Map: a name kept as the key of a flag or a number counts; the key of an object is the progress entries' measure) - RIGHT
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();

/** Which names have an upload running (a retry of a running one is logged). */
const uploading = new Map<string, boolean>();

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
  if (uploading.get(name)) console.log(`${name}: retried while the first attempt is still open`);
  uploading.set(name, true);
  const chunks: Buffer[] = [];
  let received = 0;

  const heartbeat = setInterval(() => {
    uploadProgress.set(name, { received, expected });
  }, 250);
  const stop = () => {
    clearInterval(heartbeat);
    uploadProgress.delete(name);
    uploading.set(name, false);
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
