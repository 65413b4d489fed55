/**
 * INTENDED: gzip branch: pipeline(handle.createReadStream(), createGzip(), res); plain branch kept `file.pipe(res)`.
 * ACTUALLY: LEAKS on every cancelled plain download: pipe only unpipes; the paused FileHandle stream is closed only by GC.
 * PROOF: prove.mjs 11: 60 opened, 47 closed by code, 13 closed only by GC; 1 open after traffic, 0 after gc.
 * Check: FAIL (yours 10, bar 4). RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { finished, pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { FILES_DIR, checkFileName, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// the gzip branch got pipeline(); the plain branch kept its pipe
app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const handle = await open(path.join(FILES_DIR, name), 'r');
  if (res.destroyed) { await handle.close(); return; }
  res.type(path.extname(name));
  res.vary('accept-encoding');
  const file = handle.createReadStream({ end: Math.max(size - 1, 0) });
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    try { await pipeline(file, createGzip(), res); } catch { /* client left */ }
  } else {
    res.setHeader('content-length', size);
    file.on('error', next);
    file.pipe(res);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
