/**
 * INTENDED: keep the heartbeats in a Map by upload name so any path can stop 'the upload's' timer: stopUpload(name) on 'end' and on 'close'.
 * ACTUALLY: LEAKS when the same name is uploaded twice at once: the second upload overwrites the first one's timer in the Map, the first timer is never cleared (and the first close may clear the retry's timer instead).
 * PROOF: 2 live intervals + 2 stuck entries (twice.jpg, twice2.jpg), arrayBuffers +2 MiB.
 *   (by harness (rt-harness/drive.mjs: real HTTP on 127.0.0.1, server in a child with --expose-gc; 4x3 MiB + 16 MiB + 10 B + 0 B + slow 3 MiB with mid-poll + 1 MiB on a slow disk, 4x3 MiB on a kept-open keep-alive connection, 6 dropped after 2 MiB (after a poll), 10 dropped right after headers (setImmediate..150 ms), same name twice in both orders, 2 disk-full via /dev/full symlinks (ENOSPC), 413, 400; timers counted with async_hooks (unref'd included), progress of every name polled, arrayBuffers after gc))
 * Check: FAIL (timers yours 1, upload bytes yours 2.0 MiB; GET /uploads/retried.jpg/progress still reports {"received":2097152,"expected":3145728} after that upload was sent again and its first attempt dropped: the app'). Verdict RIGHT.
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();

const heartbeats = new Map<string, NodeJS.Timeout>();
function stopUpload(name: string) {
  clearInterval(heartbeats.get(name));
  heartbeats.delete(name);
  uploadProgress.delete(name);
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
  heartbeats.set(name, setInterval(() => {
    uploadProgress.set(name, { received, expected });
  }, 250));
  req.on('close', () => stopUpload(name));
  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    stopUpload(name);
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
