/**
 * INTENDED: res.on('close', () => file.destroy()) - the nodejs/node#1834 fix - added after the two awaits.
 * ACTUALLY: LEAKS one fd per client that hangs up while the handler awaits stat/open ('close' fired before the listener existed).
 * PROOF: downloads.mts: hang-up held at fs call #0 and #1 -> leaked 1 each; mid-transfer aborts 0.
 * Check: FAIL (descriptors yours 21-22 x video-1.mp4). RIGHT.
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
  // the fix from nodejs/node#1834: close the file when the client hangs up
  res.on('close', () => file.destroy());
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
