/**
 * INTENDED: stream to disk: request -> counting/hashing Transform -> upload stream, with stream/promises pipeline for the disk side; the heartbeat is stopped in finally, whatever way it ends (drop, disk error, success); a failed upload is discarded and answered 5xx (the request is drained, not destroyed, so the 5xx reaches the phone).
 * ACTUALLY: CORRECT (no leak): request piped into a counting/hashing Transform, pipeline(counter, upload stream); heartbeat stopped in finally; drops destroy the Transform; disk errors answered 5xx with the request drained. Caveat from the kit: createUploadStream writes every upload of a name to the same '<name>.partial', so when a first attempt drops while its retry is still streaming, the discard removes the retry's file and the retry gets 500.
 * PROOF: 0 timers, 0 stuck, +0 MiB; disk-full -> 5xx; twice2 (first attempt drops while the retry runs) -> 500 because of the shared .partial.
 *   (by harness (rt-harness/drive.mjs: real HTTP on 127.0.0.1, server in a child with --expose-gc; 4x3 MiB + 16 MiB + 10 B + 0 B + slow 3 MiB with mid-poll + 1 MiB on a slow disk, 4x3 MiB on a kept-open keep-alive connection, 6 dropped after 2 MiB (after a poll), 10 dropped right after headers (setImmediate..150 ms), same name twice in both orders, 2 disk-full via /dev/full symlinks (ENOSPC), 413, 400; timers counted with async_hooks (unref'd included), progress of every name polled, arrayBuffers after gc))
 * Check: PASS (timers yours 0, upload bytes yours 0 B). Verdict RIGHT (PASS; the check only tests the other order).
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createUploadStream, commitUpload, discardUpload } from '#service/storage';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();

app.put('/uploads/:name', async (req, res, next) => {
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
  const dropped = () => {
    if (!req.complete) counter.destroy(new Error('the phone dropped the upload'));
  };
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
  });
  counter.on('error', () => {}); // reported by pipeline below
  req.on('close', dropped);
  try {
    const file = await createUploadStream(name);
    if (req.destroyed) dropped(); // the phone dropped while the file was opened
    const written = pipeline(counter, file);
    req.pipe(counter);
    await written; // rejects on a drop or a disk error
    await commitUpload(name);
    res.status(201).json({ name, bytes: received, sha256: hash.digest('hex') });
  } catch (error) {
    await discardUpload(name).catch(() => {});
    if (!res.headersSent && !res.closed) {
      req.unpipe(counter);
      req.resume(); // drain what is left, answer 5xx
      next(error);
    }
  } finally {
    req.off('close', dropped);
    clearInterval(heartbeat);
    uploadProgress.delete(name);
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
