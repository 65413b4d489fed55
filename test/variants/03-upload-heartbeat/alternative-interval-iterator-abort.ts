/**
 * RED TEAM VARIANT: timers/promises setInterval in a for-await loop with an AbortSignal; abort on req 'close' (once) and on 'end'; entry deleted in finally.
 * CORRECT
 * Proof (by hand): node --import tsx redteam/03/drivers/drive.ts redteam/03/c1-abort-timers-promises.ts: 0 timers, 0 names, 0.02 MiB arrayBuffers, no listener left, every ended upload's progress 404; node --import tsx redteam/03/drivers/scale.ts redteam/03/c1-abort-timers-promises.ts 3000: -10 KiB per 3000.
 * Check verdict: PASS - RIGHT (still, with the functions measure and names kept as Map keys)
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
async function reportProgress(name: string, read: () => { received: number; expected: number }, signal: AbortSignal) {
  try {
    for await (const _ of every(250, undefined, { signal })) uploadProgress.set(name, read());
  } catch {
    // aborted: the upload is over
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
  let received = 0;
  const over = new AbortController();
  void reportProgress(name, () => ({ received, expected }), over.signal);
  // 'close' comes once the request is over: read to its end, or dropped by the phone
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
