/**
 * INTENDED: pipeline() for both branches, HEAD answered with res.end() after opening the file.
 * ACTUALLY: LEAKS one fd per HEAD.
 * PROOF: downloads.mts: HEAD x4 -> leaked 4.
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
  const gzipped = req.acceptsEncodings('gzip', 'identity') === 'gzip';
  if (gzipped) res.setHeader('content-encoding', 'gzip');
  else res.setHeader('content-length', size);
  if (req.method === 'HEAD') {
    // nothing to send; the headers are the answer
    res.end();
    return;
  }
  const done = (error?: Error | null) => {
    if (error && !res.destroyed) next(error);
  };
  if (gzipped) pipeline(file, createGzip(), res, done);
  else pipeline(file, res, done);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
