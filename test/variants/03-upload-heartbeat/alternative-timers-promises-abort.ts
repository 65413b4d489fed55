/**
 * alternative (correct): the heartbeat is an async loop over
 * `timers/promises` setInterval, stopped by an AbortController that the
 * request's 'close' aborts (it fires for a complete upload and for a dropped
 * one alike). The progress entry is this upload's own object and is deleted in
 * the loop's `finally` only if it is still ours (a retry of the same name may
 * have replaced it). Size check and 411/413 run before anything is started.
 * Proof: driver /tmp/rt-03-scratch/drive.mjs, 200 rounds of every kind of
 * upload: Timeouts 0, heap flat, progress of every finished/dropped name 404.
 * Check verdict after round 12's fixes: PASS (right).
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { setInterval as every } from 'node:timers/promises';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();

async function heartbeat(name: string, progress: { received: number; expected: number }, signal: AbortSignal) {
  try {
    for await (const _ of every(250, undefined, { signal })) uploadProgress.set(name, progress);
  } catch {
    // aborted: the upload is over
  } finally {
    if (uploadProgress.get(name) === progress) uploadProgress.delete(name);
  }
}

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
  const progress = { received: 0, expected };
  const stop = new AbortController();
  void heartbeat(name, progress, stop.signal);
  req.on('close', () => stop.abort());

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    progress.received += chunk.length;
  });
  req.on('end', () => {
    stop.abort();
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
