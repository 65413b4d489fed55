/**
 * VARIANT h6-idle-watchdog.ts: idle watchdog: no chunk for 400 ms -> destroy file and response; timer reset on file 'data'.
 * HALF FIX.
 * Proof (my driver, redteam/07/drivers/): drive07.mjs: a player that pauses 3 s after 1 MiB is cut off (6.8 MB of 33.5 MB, TRUNCATED); drivers/h6-reads.mjs: each hung-up stream reads all 33554432 bytes for nobody (the 'data' listener keeps it flowing after pipe's unpipe).
 * Check's verdict: FAIL: file descriptors 'read on after its client had gone'. RIGHT (the truncated paused player itself is not reported).
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  // a download that makes no progress for 400 ms is one nobody is reading any more
  let idle = setTimeout(stalled, 400);
  function stalled() { file.destroy(); res.destroy(); }
  file.on('data', () => { clearTimeout(idle); idle = setTimeout(stalled, 400); });
  file.on('close', () => clearTimeout(idle));
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
