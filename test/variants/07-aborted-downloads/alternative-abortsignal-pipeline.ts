/**
 * VARIANT c1-abortsignal-pipeline.ts: AbortController aborted on res 'close' (registered first), throwIfAborted after each await, stream/promises pipeline(file, res, { signal }).
 * CORRECT.
 * Proof (my driver, redteam/07/drivers/): drive07.mjs: 0 fds after mid, Range, HEAD, 404/400, early hang-ups (slow disk + slow open); 0 responses live; paused player holds 0.1 MiB and completes byte-exact.
 * Check's verdict: PASS. RIGHT (still, with photos cut off too and the collections measure).
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();
import { pipeline } from 'node:stream/promises';

app.get('/files/:name', async (req, res, next) => {
  const hangUp = new AbortController();
  res.once('close', () => hangUp.abort());
  try {
    const name = checkFileName(req.params.name);
    const size = await storedFileSize(name);
    hangUp.signal.throwIfAborted();
    const file = await openStoredFile(name);
    if (hangUp.signal.aborted) { file.destroy(); return; }
    res.type(path.extname(name));
    res.setHeader('content-length', size);
    res.setHeader('cache-control', 'private, max-age=3600');
    await pipeline(file, res, { signal: hangUp.signal });
  } catch (error) {
    if (hangUp.signal.aborted) return; // the client went away: nothing to answer
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
