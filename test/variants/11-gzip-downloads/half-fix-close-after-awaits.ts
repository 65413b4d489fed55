/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: res.on(close) destroys the file and the Gzip, added after the awaits: a hang-up during an await is missed
 * Check: FAIL: file descriptors left open after the aborted gzip downloads (yours 21)
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
  file.on('error', next);
  res.type(path.extname(name));
  res.vary('accept-encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    const gzip = createGzip();
    res.on('close', () => { file.destroy(); gzip.destroy(); });
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
