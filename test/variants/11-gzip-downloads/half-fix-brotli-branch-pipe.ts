/**
 * HALF FIX: pipeline() for gzip and plain, and Brotli added for clients that prefer it (the iOS app,
 * `br;q=1.0, gzip;q=0.9`) -- written as file.pipe(createBrotliCompress()).pipe(res) with no clean-up,
 * copied from an old snippet. Every cancelled Brotli download leaves the log's descriptor open.
 * Proof: drive.mts: 10 descriptors after 2 rounds; +40 after 40 more cancelled br downloads. Check: FAIL, 25.
 * Check after round 12's fix of 07 and 11: FAIL (unchanged). RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { constants, createBrotliCompress, createGzip } from 'node:zlib';
import { pipeline } from 'node:stream';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.vary('accept-encoding');
  const done = (error?: Error | null) => {
      if (error && !res.headersSent) next(error);
    };
  const encoding = req.acceptsEncodings('br', 'gzip', 'identity');
  if (encoding === 'br') {
    res.setHeader('content-encoding', 'br');
    file.on('error', next);
    file.pipe(createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 4 } })).pipe(res);
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
