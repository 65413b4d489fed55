/**
 * RED TEAM VARIANT: One lazily-started shared ticker for all running uploads (cleared when none is running); stream.finished(req) untracks however the request ends.
 * CORRECT
 * Proof (by hand): node --import tsx redteam/03/drivers/drive.ts redteam/03/c3-shared-ticker.ts: 0 timers, 0 names, 0.02 MiB arrayBuffers, all ended progress 404.
 * Check verdict: PASS - RIGHT (still, with the functions measure and names kept as Map keys)
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { finished } from 'node:stream';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();

/** The uploads running now, each with a way to read its progress. One ticker serves them all, and runs only while there are some. */
const running = new Map<object, { name: string; read: () => { received: number; expected: number } }>();
let ticker: NodeJS.Timeout | undefined;

function track(name: string, read: () => { received: number; expected: number }): () => void {
  const key = {};
  running.set(key, { name, read });
  ticker ??= setInterval(() => {
    for (const upload of running.values()) uploadProgress.set(upload.name, upload.read());
  }, 250);
  return () => {
    if (!running.delete(key)) return;
    if (![...running.values()].some((u) => u.name === name)) uploadProgress.delete(name);
    if (running.size === 0) {
      clearInterval(ticker);
      ticker = undefined;
    }
  };
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
  const untrack = track(name, () => ({ received, expected }));
  // finished() calls back once, whether the body ended or the phone dropped, and removes its listeners
  finished(req, () => untrack());

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    untrack();
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
