/**
 * RED TEAM VARIANT: Stops the heartbeat on 'aborted' and after a successful store only; the ENOSPC path never stops it.
 * HALF FIX
 * Proof (by hand): node --import tsx redteam/03/drivers/drive.ts redteam/03/h7-success-or-abort-only.ts: 2 intervals alive (the disk-full uploads), 6 MiB arrayBuffers, progress of disk-full-* still 200.
 * Check verdict: FAIL (timers; bytes; progress entries; names; functions still alive; contract) - RIGHT
 * The same code (comments aside) was also written, blind, as half-fix-store-success-only.ts; it is checked once, here. Its notes:
 *   INTENDED: keep the heartbeat running until the photo is safely on disk (so the bar reaches 100% only when stored); stop it on 'aborted' for drops and in the store's success callback.
 *   ACTUALLY: LEAKS on a full disk: the heartbeat is stopped only in the store's success callback; when writeUpload rejects (ENOSPC) the interval keeps the whole photo and keeps re-writing the entry.
 *   PROOF: 2 live intervals + 2 stuck entries (disk-full-1/2), arrayBuffers +6 MiB.
 *   (by harness (rt-harness/drive.mjs: real HTTP on 127.0.0.1, server in a child with --expose-gc; 4x3 MiB + 16 MiB + 10 B + 0 B + slow 3 MiB with mid-poll + 1 MiB on a slow disk, 4x3 MiB on a kept-open keep-alive connection, 6 dropped after 2 MiB (after a poll), 10 dropped right after headers (setImmediate..150 ms), same name twice in both orders, 2 disk-full via /dev/full symlinks (ENOSPC), 413, 400; timers counted with async_hooks (unref'd included), progress of every name polled, arrayBuffers after gc))
 *   Check: FAIL (timers yours 2, upload bytes yours 6.0 MiB; GET /uploads/disk-full-1.jpg/progress still reports {"received":3145728,"expected":3145728} after that upload failed to be stored (the disk was full): the app's). Verdict RIGHT.
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

  const heartbeat = setInterval(() => {
    uploadProgress.set(name, { received, expected });
  }, 250);
  const stop = () => {
    clearInterval(heartbeat);
    uploadProgress.delete(name);
  };
  req.on('aborted', stop);

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    const photo = Buffer.concat(chunks);
    writeUpload(name, photo).then(() => {
      stop();
      res.status(201).json({ name, bytes: photo.length, sha256: createHash('sha256').update(photo).digest('hex') });
    }, next);
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
