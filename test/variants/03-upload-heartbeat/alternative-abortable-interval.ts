/**
 * INTENDED: write the heartbeat as `for await` over timers/promises'
 *   setInterval with an AbortSignal, and abort it from the request's 'close'
 *   a turn of the event loop later (setImmediate), so the last progress
 *   update of a complete upload is not raced.
 * ACTUALLY: CORRECT: 'close' comes on every path (complete, dropped mid-
 *   body, dropped before the first byte; the listener is attached
 *   synchronously, before any await); the aborted iterator clears its timer
 *   and the finally block drops the progress entry one setImmediate later.
 *   Chunks go with the request.
 * PROOF: drive03.mts: 0 live timers at t+0.05 s, 3.0 MiB arrayBuffers after
 *   gc() at t+0.4 s (baseline), no progress for any upload that is over;
 *   201s with the right SHA-256, 413, 400.
 * Check: PASS: timers 0, upload bytes 0 B, listeners 0, fds 0. RIGHT.
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { setInterval as every } from 'node:timers/promises';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

interface Progress { received: number; expected: number }
const uploadProgress = new Map<string, Progress>();

async function reportProgress(name: string, progress: Progress, signal: AbortSignal): Promise<void> {
  try {
    for await (const _ of every(250, undefined, { signal })) {
      uploadProgress.set(name, { ...progress });
    }
  } catch (error) {
    if ((error as Error).name !== 'AbortError') throw error;
  } finally {
    uploadProgress.delete(name);
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
  const progress: Progress = { received: 0, expected };
  const over = new AbortController();
  void reportProgress(name, progress, over.signal);
  req.once('close', () => setImmediate(() => over.abort()));

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
