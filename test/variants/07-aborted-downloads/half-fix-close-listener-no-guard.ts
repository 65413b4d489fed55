/**
 * VARIANT h2-close-after-awaits.ts: res.on('close', () => file.destroy()) added after the two awaits, no check that the client is already gone.
 * HALF FIX.
 * Proof (my driver, redteam/07/drivers/): drive07.mjs: mid-transfer and Range hang-ups 0 fds; hang-ups before the first byte with a 150 ms disk: 10 of 20 fds left (the ones during the awaits).
 * Check's verdict: FAIL: file descriptors left open (hang-ups during the awaits, photos' too). RIGHT.
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
  res.on('close', () => file.destroy());
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
