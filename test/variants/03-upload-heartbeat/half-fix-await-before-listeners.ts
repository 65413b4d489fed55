/**
 * half-fix. streams with pipeline() but registers the heartbeat's 'close' cleanup after `await createUploadStream()`, so a phone that drops during that await keeps its timer and progress.
 * Proof: drv/d03.mjs with MKDIR_MS=100: +2 timers and 2 stuck progress entries (pre-*.jpg) per round; drv/mass.mjs KIND=pre N=1500 MKDIR_MS=30: 730 timers left.
 * Check: FAIL (timers 2, functions 2, stuck progress for lost-signal.jpg). Correct verdict.
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload, MAX_UPLOAD_BYTES } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();

app.put('/uploads/:name', async (req, res, next) => {
  try {
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
    let received = 0;
    const hash = createHash('sha256');
    const heartbeat = setInterval(() => {
      uploadProgress.set(name, { received, expected });
    }, 250);

    const out = await createUploadStream(name);
    // the heartbeat stops when the request is over, however it ends
    req.on('close', () => {
      clearInterval(heartbeat);
      uploadProgress.delete(name);
    });
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(req, count, out);
    } catch (error) {
      await discardUpload(name);
      throw error;
    }
    await commitUpload(name);
    res.status(201).json({ name, bytes: received, sha256: hash.digest('hex') });
  } catch (error) {
    next(error);
  }
});

app.get('/uploads/:name/progress', (req, res) => {
  const progress = uploadProgress.get(req.params.name);
  if (progress) res.json(progress);
  else res.status(404).json({ error: 'no upload in progress' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/photo.jpg');
