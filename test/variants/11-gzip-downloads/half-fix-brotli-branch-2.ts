/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: pipeline() for gzip and plain, plus a new Brotli branch for clients that prefer br, written with pipe() and no clean-up
 * Check: FAIL: file descriptors left open after the aborted gzip downloads (yours 30)
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { pipeline } from 'node:stream';
import { createBrotliCompress, constants as zlibConstants } from 'node:zlib';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  const done = (err?: Error | null) => { if (err && !res.headersSent) next(err); };
  res.type(path.extname(name));
  res.vary('accept-encoding');
  const encoding = req.acceptsEncodings('br', 'gzip', 'identity');
  if (encoding === 'br') {
    res.setHeader('content-encoding', 'br');
    file.on('error', next);
    file.pipe(createBrotliCompress({ params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } })).pipe(res);
  } else if (encoding === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    pipeline(file, createGzip(), res, done);
  } else {
    res.setHeader('content-length', size);
    pipeline(file, res, done);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
