/**
 * VARIANT h3-socket-once-close.ts: clean-up on req.socket.once('close') in both branches.
 * HALF FIX.
 * Proof (my driver, redteam/11/drivers/): drive11.mjs: 16 downloads over one kept-open connection -> 16 listeners on it, 16 responses and 8 Gzip alive after gc.
 * Check's verdict: FAIL: listeners yours 8 (lines 27, 31), compressors 4. RIGHT.
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
  if (req.socket.destroyed) { file.destroy(); return; }
  file.on('error', next);
  res.type(path.extname(name));
  res.vary('accept-encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    const gzip = createGzip();
    req.socket.once('close', () => { file.destroy(); gzip.destroy(); });
    file.pipe(gzip).pipe(res);
  } else {
    res.setHeader('content-length', size);
    req.socket.once('close', () => file.destroy());
    file.pipe(res);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
