/**
 * VARIANT h8-app-locals-history.ts: correct pipeline() clean-up + every download's {name, bytes, ms, aborted} pushed to app.locals.downloadHistory, never trimmed.
 * HALF FIX.
 * Proof (my driver, redteam/07/drivers/): records.mjs with drivers/h8-debug-copy.ts: 12000 downloads -> 12040 records kept, heap after gc +2363 KiB vs +1018 KiB for c1 (~115 B per download, unbounded).
 * Check's verdict now: FAIL: records of downloads kept after they ended, about 80 (app → app() → .locals.downloadHistory[2]: a record reached through an object a module-level variable holds counts), and collections grown past the downloads in flight, 1. RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();
import { pipeline } from 'node:stream/promises';

app.locals.downloadHistory = [] as { name: string; bytes: number; ms: number; aborted: boolean }[];

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const started = Date.now();
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  if (res.destroyed) { file.destroy(); return; }
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  try {
    await pipeline(file, res);
  } catch (error) {
    if (!res.destroyed) next(error);
  } finally {
    req.app.locals.downloadHistory.push({ name, bytes: file.bytesRead, ms: Date.now() - started, aborted: !res.writableFinished });
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
