/**
 * VARIANT h2-destroy-gzip-on-close.ts: pipe chain kept; res 'close' destroys the Gzip (gzip branch) / the file (plain branch).
 * HALF FIX.
 * Proof (my driver, redteam/11/drivers/): drive11.mjs: 24 gzip/browser/iOS hang-ups -> 24 fds on access-log.csv (destroying gzip only unpipes the file); plain 0.
 * Check's verdict: FAIL: fds yours 38, access-log.csv opened at line 19. RIGHT.
 * The same code (comments aside) was also written, blind, as half-fix-destroy-gzip-only-2.ts; it is checked once, here (that file had no notes of its own).
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  if (res.destroyed) { file.destroy(); return; }
  file.on('error', next);
  res.type(path.extname(name));
  res.vary('accept-encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    const gzip = createGzip();
    res.on('close', () => gzip.destroy()); // tears the chain down from the compressor
    file.pipe(gzip).pipe(res);
  } else {
    res.setHeader('content-length', size);
    res.on('close', () => file.destroy());
    file.pipe(res);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
