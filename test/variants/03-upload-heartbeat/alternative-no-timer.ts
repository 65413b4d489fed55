/**
 * INTENDED: no timer at all: the upload's progress entry is created when it starts and updated in place on every 'data' chunk (always current, nothing to stop); the entry is deleted on the request's 'close' (after 'end' and on a drop).
 * ACTUALLY: CORRECT: no timer at all; the entry is updated in place on every 'data' chunk and deleted on req 'close' (only if it is still this upload's entry).
 * PROOF: 0 timers, 0 stuck, +0 MiB.
 *   (by harness (rt-harness/drive.mjs: real HTTP on 127.0.0.1, server in a child with --expose-gc; 4x3 MiB + 16 MiB + 10 B + 0 B + slow 3 MiB with mid-poll + 1 MiB on a slow disk, 4x3 MiB on a kept-open keep-alive connection, 6 dropped after 2 MiB (after a poll), 10 dropped right after headers (setImmediate..150 ms), same name twice in both orders, 2 disk-full via /dev/full symlinks (ENOSPC), 413, 400; timers counted with async_hooks (unref'd included), progress of every name polled, arrayBuffers after gc))
 * Check: PASS (timers yours 0, upload bytes yours 0 B). Verdict RIGHT.
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
  const progress = { received: 0, expected };
  uploadProgress.set(name, progress);
  req.on('close', () => {
    if (uploadProgress.get(name) === progress) uploadProgress.delete(name); // a retry of the same name keeps its own entry
  });
  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    progress.received += chunk.length;
  });
  req.on('end', () => {
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
