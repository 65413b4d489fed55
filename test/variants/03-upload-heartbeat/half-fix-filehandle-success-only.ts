/**
 * INTENDED: write the photo with a FileHandle (open/write/close) and stop the heartbeat once it is stored; drops are handled with req 'close'.
 * ACTUALLY: LEAKS on a full disk, like store-success-only, but stores with fs/promises FileHandle (open/write/close) to see whether the check's ENOSPC covers that write path.
 * PROOF: 2 live intervals + 2 stuck entries, +6 MiB.
 *   (by harness (rt-harness/drive.mjs: real HTTP on 127.0.0.1, server in a child with --expose-gc; 4x3 MiB + 16 MiB + 10 B + 0 B + slow 3 MiB with mid-poll + 1 MiB on a slow disk, 4x3 MiB on a kept-open keep-alive connection, 6 dropped after 2 MiB (after a poll), 10 dropped right after headers (setImmediate..150 ms), same name twice in both orders, 2 disk-full via /dev/full symlinks (ENOSPC), 413, 400; timers counted with async_hooks (unref'd included), progress of every name polled, arrayBuffers after gc))
 * Check: FAIL (timers yours 2, upload bytes yours 6.0 MiB; GET /uploads/disk-full-1.jpg/progress still reports {"received":3145728,"expected":3145728} after that upload failed to be stored (the disk was full): the app's). Verdict RIGHT (the ENOSPC injection did reach FileHandle.write).
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { open } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { uploadPath, UPLOADS_DIR } from '#service/storage';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();

async function store(name: string, photo: Buffer): Promise<void> {
  await mkdir(UPLOADS_DIR, { recursive: true });
  const file = await open(uploadPath(name), 'w');
  try {
    await file.write(photo);
  } finally {
    await file.close();
  }
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
  let ended = false;
  const heartbeat = setInterval(() => {
    uploadProgress.set(name, { received, expected });
  }, 250);
  const stop = () => {
    clearInterval(heartbeat);
    uploadProgress.delete(name);
  };
  req.on('close', () => {
    if (!ended) stop(); // a drop; a complete upload is stopped once it is stored
  });
  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('end', () => {
    ended = true;
    const photo = Buffer.concat(chunks);
    store(name, photo).then(() => {
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
