/**
 * VARIANT h1-finish-only.ts: destroys the file on res 'finish' only (pipe kept).
 * HALF FIX.
 * Proof (my driver, redteam/07/drivers/): drivers/drive07.mjs: 40 mid-video/Range hang-ups -> 40 fds on video-1.mp4 1 s later (also before gc); 20 early hang-ups (slow disk) -> 20 fds.
 * Check's verdict: FAIL: file descriptors left open (the videos, and now the photos cut off too). RIGHT.
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
  res.on('finish', () => file.destroy());
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
