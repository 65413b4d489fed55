/**
 * HALF FIX: "videos are where the traffic is", so only the video branch gets pipeline(); photos keep
 * the old file.pipe(res). Every photo whose client hangs up (scrolling past) leaves its descriptor open.
 * Proof: drive.mts, 3 rounds: 12 photo-*.jpg descriptors left (4 per round), videos 0. Check: FAIL, 25.
 * Check after round 12's fix of 07 and 11: FAIL (unchanged). RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { pipeline } from 'node:stream';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  if (name.endsWith('.mp4')) {
    pipeline(file, res, () => {});
  } else {
    file.on('error', next);
    file.pipe(res);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
