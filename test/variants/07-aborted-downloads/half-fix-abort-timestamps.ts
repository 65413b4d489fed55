/**
 * VARIANT h5-abort-timestamps.ts: correct pipeline() clean-up + module-level number[] abortedAt pushed on every aborted download, never trimmed.
 * HALF FIX (slow unbounded growth).
 * Proof (my driver, redteam/07/drivers/): drivers/records.mjs with drivers/h5-debug-copy.ts: 12000 cut downloads -> abortedAt.length 40 -> 10148, grows by one per abort forever (8 B each, unboxed doubles: heap +1084 KiB vs +1018 KiB for the correct c1, i.e. inside the noise); fds 0.
 * Check's verdict now: FAIL: collections grown past the downloads in flight, 1 (abortedAt → Array: its storage grew to room for more than 17 entries). RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();
import { pipeline } from 'node:stream/promises';

/** When each download was abandoned by its client: the abort rate for the dashboard. */
const abortedAt: number[] = [];

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  if (res.destroyed) { file.destroy(); abortedAt.push(Date.now()); return; }
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  try {
    await pipeline(file, res);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') abortedAt.push(Date.now());
    else next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
