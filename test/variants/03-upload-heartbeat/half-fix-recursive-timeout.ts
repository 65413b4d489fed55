/**
 * RED-TEAM VARIANT
 * half-fix (still leaks). Intent: a setTimeout chain instead of setInterval, cleared on req 'close'.
 * Actually: clearTimeout only clears the FIRST handle; the re-armed timeouts' return values are ignored, so every upload that lasts
 * longer than 250 ms keeps a 4x/s timer and its chunks forever.
 * Proof: 4 uploads that stall 600 ms then drop -> live Timeouts 2 -> 7, arrayBuffers 3 -> 14.0 MiB; end of probe 9 timers / 19 MiB;
 * getActiveResourcesInfo 7 Timeouts. Check: PASS quiet and with both cores busy -> SLIPPED (its uploads finish/drop in < 250 ms).
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
  let received = 0;

  // setTimeout chain instead of setInterval, so a slow beat never overlaps the next one
  const beat = () => {
    uploadProgress.set(name, { received, expected });
    setTimeout(beat, 250);
  };
  const heartbeat = setTimeout(beat, 250);
  req.on('close', () => {
    clearTimeout(heartbeat);
    uploadProgress.delete(name);
  });

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    clearTimeout(heartbeat);
    uploadProgress.delete(name);
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
