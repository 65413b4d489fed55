/**
 * VARIANT h7-socket-listener-big-files.ts: files over 4 MiB: clean-up on req.socket 'close' + pipe; smaller files: pipeline().
 * HALF FIX.
 * Proof (my driver, redteam/11/drivers/): drive11.mjs: 8 log downloads over one kept-open connection (a dashboard's fetch keep-alive) -> 8 listeners left on it, 8 responses and 4 Gzip alive after gc, until the connection closes.
 * Check's verdict: FAIL: listeners yours 2 (line 31), compressors 1. RIGHT (was PASS before the kept-open connection downloaded the log too).
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();
import { pipeline } from 'node:stream';

const BIG = 4 * 1024 * 1024;

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  if (req.socket.destroyed) { file.destroy(); return; }
  res.type(path.extname(name));
  res.vary('accept-encoding');
  const gzip = req.acceptsEncodings('gzip', 'identity') === 'gzip' ? createGzip() : null;
  if (gzip) res.setHeader('content-encoding', 'gzip');
  else res.setHeader('content-length', size);
  if (size > BIG) {
    // a dashboard cancelling a big log drops the connection: close the file then
    req.socket.on('close', () => { file.destroy(); gzip?.destroy(); });
    file.on('error', next);
    (gzip ? file.pipe(gzip) : file).pipe(res);
  } else {
    pipeline(gzip ? [file, gzip, res] : [file, res], (error: Error | null) => { if (error && !res.destroyed) next(error); });
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
