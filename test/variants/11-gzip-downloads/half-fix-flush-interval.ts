/**
 * VARIANT h8-flush-interval.ts: pipeline() + setInterval(gzip.flush, 1000) cleared on gzip 'end' only.
 * HALF FIX.
 * Proof (my driver, redteam/11/drivers/): drive11.mjs: 24 cancelled gzip downloads -> 24 intervals running, 24 responses + 24 Gzip alive.
 * Check's verdict: FAIL: timers 40 (line 28), compressors 40. RIGHT.
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
  const done = (error: Error | null) => { if (error && !res.destroyed) next(error); };
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    const gzip = createGzip();
    const flusher = setInterval(() => gzip.flush(), 1000);
    gzip.on('end', () => clearInterval(flusher));
    pipeline(file, gzip, res, done);
  } else {
    res.setHeader('content-length', size);
    pipeline(file, res, done);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
