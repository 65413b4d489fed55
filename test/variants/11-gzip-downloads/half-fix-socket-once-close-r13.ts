/**
 * half-fix. Closes the file (and the gzip) with req.socket.once('close'), so it runs once per hang-up; the listener is never removed when the download ends normally.
 * Proof: drivers/drv11.mjs: aborts mid-transfer leave 0 fds, but 4 aborts during the handler's awaits (3 ms) leave 4 fds (the socket had closed before the listener was added); 8 downloads on one keep-alive connection leave 8 'close' listeners (with their file and gzip) on its socket.
 * Check: FAIL (fds 20, listeners 8, compressors 4). Correct verdict.
 */
import express from 'express';
import path from 'node:path';
import { createGzip, type Gzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  file.on('error', next);
  let gzip: Gzip | undefined;
  // When the client hangs up, its connection closes: close the file with it (once is enough).
  req.socket.once('close', () => {
    file.destroy();
    gzip?.destroy();
  });
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
