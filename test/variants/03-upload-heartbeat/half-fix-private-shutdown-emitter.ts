/**
 * RED TEAM VARIANT: Cleans timer and entry on 'close'/'end', but registers a per-upload 'interrupt' listener (closure over the name) on a private module EventEmitter, removed only on 'end'.
 * HALF FIX
 * Proof (by hand): node --import tsx redteam/03/drivers/drive.ts redteam/03/h12-private-emitter.ts: 11 names alive (the 8 drops, the dropped first attempt, 2 drops before the first byte); node --import tsx redteam/03/drivers/scale.ts redteam/03/h12-private-emitter.ts 3000: +1382 KiB per batch of 3000 dropped uploads (c1: -10 KiB).
 * Check verdict now: FAIL (functions your code made during the uploads and still alive after them: 11, path shutdown -> EventEmitter -> log() at line 23 ._events.interrupt[]) - RIGHT
 */
import express from 'express';
import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();

/** On SIGTERM every running upload logs its name, so the app can resume it after the deploy. */
const shutdown = new EventEmitter();
shutdown.setMaxListeners(0);
process.once('SIGTERM', () => shutdown.emit('interrupt'));
function onShutdown(name: string): () => void {
  const log = () => console.log(`interrupted: ${name}`);
  shutdown.on('interrupt', log);
  return () => shutdown.off('interrupt', log);
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

  const heartbeat = setInterval(() => {
    uploadProgress.set(name, { received, expected });
  }, 250);
  const forget = onShutdown(name);
  req.on('close', () => {
    clearInterval(heartbeat);
    uploadProgress.delete(name);
  });

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    clearInterval(heartbeat);
    uploadProgress.delete(name);
    forget();
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
