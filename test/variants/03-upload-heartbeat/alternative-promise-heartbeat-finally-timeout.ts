/**
 * KIND: correct
 * INTENDED: the same streaming upload with the promise-based heartbeat (node:timers/promises), its
 *           AbortController aborted in a finally, so every way out (stored, dropped, refused by a full disk)
 *           stops it; the whole upload is capped at 10 minutes with AbortSignal.timeout passed to pipeline().
 * ACTUALLY: right: abort in finally stops the heartbeat on every path; the per-upload AbortSignal.timeout(10 min) timers hold only a weak ref and are dropped when their signal is collected.
 * PROOF: drive03.mjs: t+0.5 s 0 heartbeats, 0 MiB, progress 404, 12 AbortSignal timers of 600000 ms (gone at t+2 s after GC); features OK.
 * Check: PASS. RIGHT (no false FAIL from the AbortSignal.timeout timers).
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setInterval as every } from 'node:timers/promises';
import { checkFileName, commitUpload, createUploadStream, discardUpload, MAX_UPLOAD_BYTES } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const MAX_UPLOAD_MS = 10 * 60_000;
const uploadProgress = new Map<string, { received: number; expected: number }>();

async function heartbeat(progress: { received: number; expected: number }, record: () => void, signal: AbortSignal) {
  try {
    for await (const _ of every(250, undefined, { signal })) record();
  } catch {
    // aborted: the upload is over
  }
}

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
  const progress = { received: 0, expected };
  const hash = createHash('sha256');
  const done = new AbortController();
  void heartbeat(progress, () => uploadProgress.has(name) && uploadProgress.set(name, { ...progress }), done.signal);
  uploadProgress.set(name, { ...progress });
  try {
    const out = await createUploadStream(name);
    const count = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        progress.received += chunk.length;
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    await pipeline(req, count, out, { signal: AbortSignal.timeout(MAX_UPLOAD_MS) });
    await commitUpload(name);
    res.status(201).json({ name, bytes: progress.received, sha256: hash.digest('hex') });
  } catch (error) {
    await discardUpload(name);
    next(error);
  } finally {
    done.abort();
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
