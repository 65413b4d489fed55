/**
 * half-fix (red team, round 10). Clean-up on end and close is right, but every finished or dropped upload's name
 * goes into a module-level `finishedUploads` Set, so that the progress route can answer 404 {over:true}: the
 * README's tombstones, moved out of the Map. One name per upload, for ever.
 * Hand proof (drive03): after 3000 tiny uploads with new names, 3001 upload-name strings in the heap (correct fixes: 1).
 * Check was: PASS (only the values of a Map keyed by the names were counted). Now: FAIL, names of uploads kept
 * elsewhere: yours 24 (bar 0), the path through finishedUploads → Set → Set entry; the contract passes.
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

const uploadProgress = new Map<string, { received: number; expected: number }>();
const finishedUploads = new Set<string>();

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

  const heartbeat = setInterval(() => {
    uploadProgress.set(name, { received, expected });
  }, 250);
  const stop = () => {
    clearInterval(heartbeat);
    uploadProgress.delete(name);
    finishedUploads.add(name); // so the app is told "over", not "unknown"
  };

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('close', stop);
  req.on('end', () => {
    stop();
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
  else if (finishedUploads.has(req.params.name)) res.status(404).json({ error: 'this upload is over', over: true });
  else res.status(404).json({ error: 'no upload in progress' });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/uploads/photo.jpg');
