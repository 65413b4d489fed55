/**
 * Downloads for the analytics team: GET /files/:name streams a stored file,
 * access logs and CSV exports above all. Text compresses well, so when the
 * client accepts gzip the service compresses on the fly, and a 16 MiB log
 * travels as less than 3 MiB. Other clients get the file as it is.
 */
/**
 * half-fix. Intended: the README's zlib story, so destroy the compressor on 'close' (it holds the native memory), and the file in the plain branch.
 * Actually: destroying the gzip only unpipes the file, which stays paused with its fd open.
 * Proof: fd.mjs: 6 of 6 gzip mid-transfer aborts and 6 later aborts leave fds; plain: 0.
 * Check: FAIL (20). Correct verdict.
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
    // The compressor is what holds the native zlib memory: free it when the client goes away.
    res.on('close', () => gzip.destroy());
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
