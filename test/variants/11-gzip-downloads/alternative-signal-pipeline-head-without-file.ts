/**
 * VARIANT c1-signal-pipeline.ts: AbortController on res 'close', stream/promises pipeline(file, [gzip,] res, { signal }); HEAD answers headers without opening the file.
 * CORRECT.
 * Proof (my driver, redteam/11/drivers/): drive11.mjs: 0 fds, 0 listeners, 0 Gzip, 0 timers on every path; gzip/plain byte-exact; paused plain client holds 0.1 MiB.
 * Check's verdict: PASS. RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();
import { pipeline } from 'node:stream/promises';

app.get('/files/:name', async (req, res, next) => {
  const gone = new AbortController();
  res.once('close', () => gone.abort());
  try {
    const name = checkFileName(req.params.name);
    const size = await storedFileSize(name);
    gone.signal.throwIfAborted();
    res.type(path.extname(name));
    res.vary('accept-encoding');
    const gzipped = req.acceptsEncodings('gzip', 'identity') === 'gzip';
    if (gzipped) res.setHeader('content-encoding', 'gzip');
    else res.setHeader('content-length', size);
    if (req.method === 'HEAD') { res.end(); return; }
    const file = await openStoredFile(name);
    if (gone.signal.aborted) { file.destroy(); return; }
    if (gzipped) await pipeline(file, createGzip(), res, { signal: gone.signal });
    else await pipeline(file, res, { signal: gone.signal });
  } catch (error) {
    if (!gone.signal.aborted) next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
