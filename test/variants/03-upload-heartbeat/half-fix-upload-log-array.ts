/**
 * RED TEAM VARIANT: Full cleanup, plus an unbounded module array logging every upload's outcome (GET /uploads-log).
 * HALF FIX
 * Proof (by hand): node --import tsx redteam/03/drivers/drive.ts redteam/03/h4-history-array.ts: 25 names alive after gc, one array entry per upload.
 * Check verdict: FAIL (names kept elsewhere: 26, path uploadLog -> Array) - RIGHT
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();

/** What happened to recent uploads, for the support team (GET /uploads-log). */
const uploadLog: { name: string; outcome: string; at: number }[] = [];

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
  let outcome = 'dropped';
  const stop = () => {
    clearInterval(heartbeat);
    uploadProgress.delete(name);
  };
  req.on('close', () => {
    stop();
    uploadLog.push({ name, outcome, at: Date.now() });
  });

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    stop();
    outcome = 'received';
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

app.get('/uploads-log', (_req, res) => {
  res.json(uploadLog);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/photo.jpg');
