/**
 * VARIANT h1-gzip-branch-only.ts: pipeline(file, gzip, res) in the gzip branch; plain branch keeps file.pipe(res).
 * HALF FIX.
 * Proof (my driver, redteam/11/drivers/): drive11.mjs: gzip/browser/iOS hang-ups 0 fds; 8 deflate-only + 8 plain hang-ups -> 16 fds; 10 plain photo hang-ups -> 10 fds.
 * Check's verdict: FAIL: fds yours 10, 10 × access-log.csv opened at line 20 (the plain clients). RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();
import { pipeline } from 'node:stream';

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  if (res.destroyed) { file.destroy(); return; }
  res.type(path.extname(name));
  res.vary('accept-encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    pipeline(file, createGzip(), res, (error) => { if (error && !res.destroyed) next(error); });
  } else {
    file.on('error', next);
    res.setHeader('content-length', size);
    file.pipe(res);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
