/**
 * INTENDED: answer HEAD with res.end() after opening the file.
 * ACTUALLY: LEAKS one fd per HEAD.
 * PROOF: downloads.mts: HEAD x2 -> leaked 2; fds after features 1.
 * Check: FAIL (descriptors yours 10). RIGHT.
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
  // HEAD: the headers say it all; no need to stream the body
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  pipeline(file, res, (error) => {
    if (error && !res.destroyed) next(error);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
