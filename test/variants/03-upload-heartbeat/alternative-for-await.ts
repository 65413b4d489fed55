/**
 * INTENDED: read the body with for await; the heartbeat is stopped and the entry deleted in finally (a drop makes the loop throw).
 * ACTUALLY: CORRECT: for await over req, clean-up in finally (a drop makes the iterator throw); disk errors reach answerErrors through Express 5.
 * PROOF: 0 timers, 0 stuck, +0 MiB, disk-full 5xx.
 *   (by harness (rt-harness/drive.mjs: real HTTP on 127.0.0.1, server in a child with --expose-gc; 4x3 MiB + 16 MiB + 10 B + 0 B + slow 3 MiB with mid-poll + 1 MiB on a slow disk, 4x3 MiB on a kept-open keep-alive connection, 6 dropped after 2 MiB (after a poll), 10 dropped right after headers (setImmediate..150 ms), same name twice in both orders, 2 disk-full via /dev/full symlinks (ENOSPC), 413, 400; timers counted with async_hooks (unref'd included), progress of every name polled, arrayBuffers after gc))
 * Check: PASS (timers yours 0, upload bytes yours 0 B). Verdict RIGHT.
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
  const heartbeat = setInterval(() => {
    uploadProgress.set(name, { received, expected });
  }, 250);
  let photo: Buffer;
  try {
    for await (const chunk of req) {
      chunks.push(chunk);
      received += chunk.length;
    }
    photo = Buffer.concat(chunks);
  } catch {
    return; // the phone dropped: nobody to answer
  } finally {
    clearInterval(heartbeat);
    uploadProgress.delete(name);
  }
  await writeUpload(name, photo); // a disk error rejects: Express 5 passes it to answerErrors
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
