/**
 * half-fix. Streams gzip and plain through stream.pipeline(), but adds deflate (which curl --compressed names first) the quick way: read the whole file and deflate it in one go.
 * Proof: drivers/drv11.mjs: 0 fds anywhere, contract exact (curl gets deflate, 16777216 bytes inflated); drivers/peak11.mjs: 6 curl --compressed clients (deflate, gzip, br, zstd) of the log wait 8.5 s for a first byte while the server holds 112.5 MiB of Buffers (6 gzip clients: 0.5 s, 0.8 MiB).
 * Check: PASS. WRONG VERDICT.
 * Round 13: the check was changed for it: FAIL now (a check before the change: PASS, as above).
 */
import express from 'express';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { promisify } from 'node:util';
import { createGzip, deflate } from 'node:zlib';
import { checkFileName, openStoredFile, readStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const deflateAsync = promisify(deflate);

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  res.type(path.extname(name));
  res.vary('accept-encoding');
  const encoding = req.acceptsEncodings('gzip', 'deflate', 'identity');
  if (encoding === 'deflate') {
    // Only curl asks for deflate first: a rare client, so keep it simple.
    const deflated = await deflateAsync(await readStoredFile(name));
    res.setHeader('content-encoding', 'deflate');
    res.setHeader('content-length', deflated.length);
    res.end(deflated);
    return;
  }
  const file = await openStoredFile(name);
  const done = (error?: Error | null) => {
    if (error && !res.headersSent) next(error);
  };
  if (encoding === 'gzip') {
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
