/**
 * INTENDED/ACTUAL: correct fix with an async iterator and try/finally: the body is read with
 *   `for await (const chunk of req)`, which throws when the client drops (any time, even before the first
 *   byte, since the iterator is created synchronously in the handler); the finally clears the heartbeat and
 *   drops the progress on every path: complete, dropped, store failure.
 * PROOF: timers +0, arrayBuffers +0, no stuck progress (incl. store failure, headers-only drops), keep-alive +0 MiB; 4/4 SHA-256. Check: PASS quiet and loaded.
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();

app.put('/uploads/:name', async (req, res) => {
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
  const mine = { received, expected };
  const heartbeat = setInterval(() => {
    mine.received = received;
    uploadProgress.set(name, mine);
  }, 250);
  let photo: Buffer;
  try {
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
      received += (chunk as Buffer).length;
    }
  } catch {
    return; // the client dropped; nobody is listening for an answer
  } finally {
    clearInterval(heartbeat);
    if (uploadProgress.get(name) === mine) uploadProgress.delete(name);
  }
  photo = Buffer.concat(chunks);
  chunks.length = 0;
  await writeUpload(name, photo);
  res.status(201).json({ name, bytes: photo.length, sha256: createHash('sha256').update(photo).digest('hex') });
});

app.get('/uploads/:name/progress', (req, res) => {
  const progress = uploadProgress.get(req.params.name);
  if (progress) res.json(progress);
  else res.status(404).json({ error: 'no upload in progress' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/photo.jpg');
