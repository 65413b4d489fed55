/**
 * VARIANT h6-deflate-branch.ts: negotiates br (quality 4), gzip, deflate; br/gzip via pipeline(), the added deflate branch via file.pipe(createDeflate()).pipe(res).
 * HALF FIX.
 * Proof (my driver, redteam/11/drivers/): drive11.mjs: 8 'Accept-Encoding: deflate' clients that cancel -> 8 fds on access-log.csv, for ever; gzip/browser/iOS/plain 0.
 * Check's verdict: FAIL: fds yours 5, access-log.csv opened at line 21 (curl --compressed's 'deflate, gzip, br, zstd' gets the deflate branch). RIGHT (was PASS before curl joined the clients that cancel).
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();
import { pipeline } from 'node:stream';
import { constants as zlibConstants, createBrotliCompress, createDeflate } from 'node:zlib';

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  if (res.destroyed) { file.destroy(); return; }
  res.type(path.extname(name));
  res.vary('accept-encoding');
  const done = (error: Error | null) => { if (error && !res.destroyed) next(error); };
  const encoding = req.acceptsEncodings('br', 'gzip', 'deflate', 'identity');
  if (encoding === 'br' || encoding === 'gzip') {
    res.setHeader('content-encoding', encoding);
    pipeline(file, encoding === 'br' ? createBrotliCompress({ params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } }) : createGzip(), res, done);
  } else if (encoding === 'deflate') {
    res.setHeader('content-encoding', 'deflate');
    file.on('error', next);
    file.pipe(createDeflate()).pipe(res);
  } else {
    res.setHeader('content-length', size);
    pipeline(file, res, done);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
