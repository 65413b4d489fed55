/**
 * RED-TEAM VARIANT
 * alternative (correct). timers/promises setInterval async iterator with an AbortSignal, aborted by stream.finished(req)
 * (fires for 'end' and for drops); progress entry deleted only if it is still ours.
 * Proof: timers 2 (baseline) after 8 fast drops, 4 slow drops and an overlapping same-name retry; arrayBuffers 3.0 MiB (baseline);
 * sha256 of 8 complete uploads correct (201), mid-upload progress 200 {received:1048576}, dropped progress 404, 413, 413 early, 400.
 * Check: PASS quiet and loaded.
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { finished } from 'node:stream';
import { setInterval as every } from 'node:timers/promises';
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

  // The heartbeat lives exactly as long as the request body: aborted by however the request ends.
  const heartbeat = new AbortController();
  const progress = { received: 0, expected };
  (async () => {
    for await (const _ of every(250, undefined, { signal: heartbeat.signal })) {
      progress.received = received;
      uploadProgress.set(name, progress);
    }
  })().catch(() => {});
  finished(req, () => {
    heartbeat.abort();
    if (uploadProgress.get(name) === progress) uploadProgress.delete(name);
  });

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
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
