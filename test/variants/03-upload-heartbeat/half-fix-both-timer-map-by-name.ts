/**
 * INTENDED: keep each upload's heartbeat in a Map by name so that the end/close handlers can find and clear it.
 * ACTUALLY: a second attempt at the same name (the phone retries while the first connection is still open)
 *   overwrites the first attempt's timer in the Map without clearing it; whoever ends later clears whatever
 *   the Map holds then. The first attempt's interval runs for ever with its chunks.
 * PROOF: retry while first attempt open → timers +2, arrayBuffers +2 MiB, progress stuck. Check: FAIL (1 timer + contract).
 */
import express from 'express';
import { createHash } from 'node:crypto';
import { checkFileName, MAX_UPLOAD_BYTES, writeUpload } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const uploadProgress = new Map<string, { received: number; expected: number }>();
const heartbeats = new Map<string, NodeJS.Timeout>();

function stopHeartbeat(name: string): void {
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

  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.on('close', () => {
    if (!req.complete) stopHeartbeat(name);
  });
  req.on('end', () => {
    stopHeartbeat(name);
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
