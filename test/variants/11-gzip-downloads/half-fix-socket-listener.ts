/**
 * INTENDED: one socket 'close' listener for both branches, registered before the awaits.
 * ACTUALLY: LEAKS listeners on keep-alive connections: one 'close' listener + closure (holding the ReadStream) per request, MaxListenersExceededWarning after 10; fds fine.
 * PROOF: downloads.mts: keep-alive socket listeners 11 -> 19 after 8 more requests; fds 0.
 * Check: FAIL: listeners left on a connection kept open for 8 downloads, yours 8 (bar 0), 8 × 'close' on a client connection added at line 20; descriptors 0, contract kept. RIGHT (was PASS before 11 got the keep-alive traffic and the listener measure 07 has).
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
  let file: Awaited<ReturnType<typeof openStoredFile>> | undefined;
  // one place for both branches, registered before the awaits so an early hang-up is seen
  req.socket.on('close', () => file?.destroy());
  const size = await storedFileSize(name);
  file = await openStoredFile(name);
  if (req.socket.destroyed) return void file.destroy();
  file.on('error', next);
  res.type(path.extname(name));
  res.vary('accept-encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    file.pipe(createGzip()).pipe(res);
  } else {
    res.setHeader('content-length', size);
    file.pipe(res);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
