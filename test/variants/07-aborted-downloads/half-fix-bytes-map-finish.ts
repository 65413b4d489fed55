/**
 * VARIANT h7-bytes-map-finish.ts: correct pipeline() clean-up + module-level Map<id, bytesSent> deleted on res 'finish' only.
 * HALF FIX.
 * Proof (my driver, redteam/07/drivers/): records.mjs with drivers/h7-debug-copy.ts: 12000 cut downloads -> bytesSent.size 39 -> 10007, one entry per aborted download forever (heap +1404 KiB vs +1018 KiB for c1).
 * Check's verdict now: FAIL: collections grown past the downloads in flight, 1 (bytesSent → Map: its table grew to room for more than 17 entries, the traffic never has more than six in flight). RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();
import { pipeline } from 'node:stream/promises';

/** Bytes sent so far per download in flight (the progress gauge). */
const bytesSent = new Map<number, number>();
let nextId = 0;

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  if (res.destroyed) { file.destroy(); return; }
  const id = nextId++;
  bytesSent.set(id, 0);
  file.on('data', (chunk) => bytesSent.set(id, (bytesSent.get(id) ?? 0) + chunk.length));
  res.on('finish', () => bytesSent.delete(id));
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  try {
    await pipeline(file, res);
  } catch (error) {
    if (!res.destroyed) next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
