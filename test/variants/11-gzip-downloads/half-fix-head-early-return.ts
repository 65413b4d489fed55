/**
 * half-fix. Everything goes through stream.pipeline(), and HEAD is answered early, with the headers only, once the file is open (and never closed).
 * Proof: drivers/drv11.mjs: every aborted download leaves 0 fds; 10 HEAD requests leave 10 fds on access-log.csv, for good.
 * Check: FAIL (file descriptors 10). Correct verdict.
 */
import express from 'express';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
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
  const gzip = req.acceptsEncodings('gzip', 'identity') === 'gzip';
  if (gzip) res.setHeader('content-encoding', 'gzip');
  else res.setHeader('content-length', size);
  // HEAD: no body to send, no need to compress anything.
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const done = (error?: Error | null) => {
    if (error && !res.headersSent) next(error);
  };
  if (gzip) pipeline(file, createGzip(), res, done);
  else pipeline(file, res, done);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
