/**
 * RED-TEAM VARIANT
 * half-fix (still leaks, small). Intent: clear the interval on req 'close'.
 * Actually: the timer is fixed, but a dropped upload's uploadProgress entry is never deleted: the progress endpoint answers
 * 'stuck at 33%' forever and the Map grows by one entry per dropped name.
 * Proof: after slow drop, GET /uploads/slow-drop-1.jpg/progress -> 200 {received:1048576,expected:3145728} (forever);
 * timers 2 (baseline), arrayBuffers 3.0 MiB (baseline). Check: PASS -> SLIPPED (README's 'stuck at 43%' symptom not checked).
 * Filed as a half fix; renamed half-fix-contract: what stays is a Map entry of a few dozen bytes per dropped name, which no
 * memory bar can tell from noise, and the stuck progress is a broken promise the contract reads (check: timers 0, upload
 * bytes 0, breach "GET /uploads/dropped-0.jpg/progress still reports…").
 * Renamed half-fix-both-: the check now also counts the progress entries kept after the uploads ended
 * (a heap measure, bar 0): the Map keeps one entry per dropped name, 8 here, as well as the stuck progress.
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
  req.on('close', () => clearInterval(heartbeat)); // a dropped upload stops its heartbeat too

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
