/**
 * Scenario 03, fixed another way: the heartbeat is a timers/promises interval
 * that an AbortSignal stops when the request closes. Must pass.
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { setInterval } from 'node:timers/promises';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
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

  const uploadEnded = new AbortController();
  (async () => {
    for await (const _ of setInterval(250, undefined, { signal: uploadEnded.signal })) uploadProgress.set(name, { received, expected });
  })().catch(() => uploadProgress.delete(name));

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('close', () => uploadEnded.abort());
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
