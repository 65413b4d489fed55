/*
 * half fix: the heartbeat is cleared and the progress entry deleted on the
 * request's 'close', so timers, chunks and progress all go. But the server
 * also keeps a gauge of the uploads in flight (logged by the heartbeat, and
 * meant for a graceful shutdown): a module-level Set of each upload's
 * {received, expected, startedAt} record, removed on 'end' only. A dropped
 * upload never ends, so its record stays in `inFlight` for ever (and the gauge
 * over-counts). No name, no function, no Buffer in it: just one small object
 * per dropped upload.
 * Proof: /tmp/rt-03-scratch/drops.mjs on a probe copy exporting inFlight:
 * size 1969 after 2000 drops (+50 warm-ups), heap +592 KiB at 1000, +924 KiB at 4000.
 * Check verdict after round 12's fixes: FAIL (was PASS): "records your module-level variables gained during the uploads and still hold" 11, bar 4, kept by inFlight.
 */
/**
 * Photo uploads for the print shop. Uploads can take a while on a phone
 * connection, so while one is running the service records its progress four
 * times a second; the app polls GET /uploads/:name/progress to draw a progress bar.
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

type Upload = { received: number; expected: number; startedAt: number };
const uploadProgress = new Map<string, Upload>();
const inFlight = new Set<Upload>();

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
  const upload: Upload = { received: 0, expected, startedAt: Date.now() };
  inFlight.add(upload);

  const heartbeat = setInterval(() => {
    uploadProgress.set(name, upload);
  }, 250);
  req.on('close', () => {
    clearInterval(heartbeat);
    if (uploadProgress.get(name) === upload) uploadProgress.delete(name);
  });

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    upload.received += chunk.length;
  });
  req.on('end', () => {
    inFlight.delete(upload);
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
