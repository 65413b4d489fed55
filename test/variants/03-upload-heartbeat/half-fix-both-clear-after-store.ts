/**
 * INTENDED: clear the heartbeat and drop the progress when the upload is over: on a drop ('close' before the
 *   body was complete) right away, and on a complete upload only once the photo is stored ("the app's bar
 *   should reach 100% only when the photo is really saved").
 * ACTUALLY: if storing fails (disk full, a bad path, an I/O error: writeUpload rejects) the request is
 *   complete, so the 'close' branch skips it, and the success branch never runs: the interval runs for ever,
 *   keeping all the upload's chunks AND the concatenated photo, and its progress is reported for ever.
 * PROOF: rt-tools/d03.ts with FG_UPLOADS_DIR where blocked.jpg is a directory: one failed store → timers +1, arrayBuffers +3.0 MiB, progress {"received":3145728,...} for ever. Check: PASS (slipped).
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

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('close', () => {
    if (!req.complete) stop();
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
