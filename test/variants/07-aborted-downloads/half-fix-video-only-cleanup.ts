/**
 * VARIANT h9-video-only-cleanup.ts: the guard and the res 'close' clean-up only for .mp4; photos keep file.pipe(res).
 * HALF FIX.
 * Proof (my driver, redteam/07/drivers/): drivers/photo-abort.mjs: 20 photo downloads cut after 256 KiB -> 20 fds on photo-3.jpg; 8 photo hang-ups before the first byte -> 8 fds; videos 0 (drive07.mjs).
 * Check's verdict now: FAIL: file descriptors left open, 25 (24 or 25) × photo-N.jpg opened at line 18 (photos are now cut off too: at each await and while the file streams). RIGHT.
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
  const isVideo = name.endsWith('.mp4');
  if (isVideo && res.destroyed) { file.destroy(); return; }
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  // players hang up all the time: make sure a video's file is closed whoever ends the download
  if (isVideo) res.on('close', () => file.destroy());
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
