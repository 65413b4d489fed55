/**
 * KIND: correct
 * INTENDED: stream.finished(req) stops the heartbeat and drops the progress when the upload is over
 *           however it ended; a stall timeout (30 s without a byte, refreshed on each chunk) destroys an upload
 *           whose phone went silent without closing, and is cleared with the heartbeat.
 * ACTUALLY: right: stream.finished(req) ends heartbeat + stall timer + progress on every path; the 30 s stall timer is cleared at once.
 * PROOF: drive03.mjs: 0 timers, 0 MiB, progress 404 at t+0.5 s; features OK.
 * Check: PASS. RIGHT.
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { finished } from 'node:stream';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();
const STALL_MS = 30_000;

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
  const stall = setTimeout(() => req.destroy(), STALL_MS);
  finished(req, () => {
    clearInterval(heartbeat);
    clearTimeout(stall);
    uploadProgress.delete(name);
  });

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
    stall.refresh();
  });
  req.on('end', () => {
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
