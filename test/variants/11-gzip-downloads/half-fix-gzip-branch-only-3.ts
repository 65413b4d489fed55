/**
 * INTENDED: pipeline() in the gzip branch; plain branch left as file.pipe(res).
 * ACTUALLY: LEAKS one fd per plain (non-gzip) hang-up.
 * PROOF: downloads.mts: 4 plain aborts -> leaked 4; plain pre-byte hang-ups -> 1 each.
 * Check: FAIL (yours 10). RIGHT.
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
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    // pipeline tears the chain down when the client hangs up
    pipeline(file, createGzip(), res, (error) => {
      if (error && !res.destroyed) next(error);
    });
  } else {
    res.setHeader('content-length', size);
    file.on('error', next);
    file.pipe(res);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
