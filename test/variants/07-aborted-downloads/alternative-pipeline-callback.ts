/**
 * VARIANT c5-bare-pipeline.ts: stream.pipeline(file, res, cb) only, no explicit guard: pipeline notices a response already closed during the awaits.
 * CORRECT.
 * Proof (my driver, redteam/07/drivers/): drive07.mjs: 0 fds after early hang-ups at each await and during the stream's open (Node 20.20).
 * Check's verdict: PASS. RIGHT (still, with photos cut off too and the collections measure).
 * On Node 24 a half fix: pipeline() into a response that closed during the awaits throws ERR_STREAM_UNABLE_TO_PIPE
 * and leaves the file open (Node 20 and 22 destroy it); the check FAILs it there on descriptors (VERDICT_FROM_NODE in
 * checker/bench-variants.ts; the Node 24 bench of every variant found it).
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();
import { pipeline } from 'node:stream';

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  pipeline(file, res, (error) => {
    if (error && !res.destroyed) next(error);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
