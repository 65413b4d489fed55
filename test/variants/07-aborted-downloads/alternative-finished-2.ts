/**
 * CORRECT: keeps file.pipe(res) but ties the file's life to the response with stream.finished(res):
 * whichever way the response ends (complete, client gone, even already closed before the handler got
 * here, since finished() reports an already-closed stream at once), the file stream is destroyed; a
 * stream destroyed before it opened closes its descriptor as soon as the open completes.
 * Proof: drive.mts, 3 rounds + 400 aborted + keep-alive + contract: 0 descriptors, 0 responses alive.
 * Check after round 12's fix of 07 and 11: PASS (unchanged). RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { finished } from 'node:stream';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  finished(res, () => file.destroy());
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
