/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: closes the file when the connection closes (req.socket close): piles a listener (with its file and Gzip) on a keep-alive connection per download
 * Check: FAIL: listeners left on a connection kept open for 8 downloads (yours 8)
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
  if (req.socket.destroyed) return void file.destroy();
  file.on('error', next);
  req.socket.on('close', () => file.destroy());
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
