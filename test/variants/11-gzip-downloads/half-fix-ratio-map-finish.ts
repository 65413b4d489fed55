/**
 * VARIANT h4-ratio-map-finish.ts: pipeline() + module Map res -> Gzip for a ratio log, deleted on 'finish' only.
 * HALF FIX.
 * Proof (my driver, redteam/11/drivers/): drive11.mjs: after 24 cancelled gzip downloads 24 ServerResponse + 24 Gzip alive after gc, growing with every cancel.
 * Check's verdict: FAIL: compressors 40, records 2040 (some fifty objects per cancelled download: each Gzip with its response, request and socket), path compressing -> Map -> Gzip (line 19). RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();
import { pipeline } from 'node:stream';
import type { Gzip } from 'node:zlib';

/** Compressors of the downloads in flight, to log their ratio when they finish. */
const compressing = new Map<express.Response, Gzip>();

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
    compressing.set(res, gzip);
    res.on('finish', () => {
      const g = compressing.get(res);
      if (g) console.log(`${name}: ${size} -> ${g.bytesWritten} bytes`);
      compressing.delete(res);
    });
    pipeline(file, gzip, res, done);
  } else {
    res.setHeader('content-length', size);
    pipeline(file, res, done);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
