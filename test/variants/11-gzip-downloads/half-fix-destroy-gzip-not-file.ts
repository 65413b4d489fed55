/**
 * INTENDED: on res 'close' destroy the Gzip stream.
 * ACTUALLY: LEAKS: destroying the gzip unpipes the file, which stays open, paused.
 * PROOF: downloads.mts: every gzip abort leaks 1 fd (171 after the run).
 * Check: FAIL (yours 50). RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
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
  res.vary('accept-encoding');
  const done = (error?: Error | null) => {
    if (error && !res.destroyed) next(error);
  };
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    const gzip = createGzip();
    // if the client hangs up, stop compressing
    res.on('close', () => gzip.destroy());
    file.on('error', done);
    file.pipe(gzip).pipe(res);
  } else {
    res.setHeader('content-length', size);
    pipeline(file, res, done);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
