/**
 * KIND: correct
 * INTENDED: keep pipe(), but own the clean-up: one 'close' listener on the response destroys every stream
 *   of the chain (file and gzip), registered before anything can be missed; finished() reports errors.
 * ACTUALLY: finished(res) fires on completion, error or premature close (immediately for an already-closed response) and destroys both file and gzip.
 * PROOF: drive11.mjs: all features ok; 0 fds at t+0 after all hang-ups.
 * Check: PASS: yours 0 -- RIGHT
 */
import express from 'express';
import path from 'node:path';
import { finished } from 'node:stream';
import { createGzip, type Gzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  let gzip: Gzip | undefined;
  finished(res, () => {
    file.destroy();
    gzip?.destroy();
  });
  file.on('error', next);
  res.type(path.extname(name));
  res.vary('accept-encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    gzip = createGzip();
    file.pipe(gzip).pipe(res);
  } else {
    res.setHeader('content-length', size);
    file.pipe(res);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
