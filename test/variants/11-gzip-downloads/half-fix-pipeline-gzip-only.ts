/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: stream.pipeline(file, gzip, res) in the gzip branch; the plain branch keeps file.pipe(res)
 * Check: FAIL: file descriptors left open after the aborted gzip downloads (yours 10)
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { pipeline } from 'node:stream';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.vary('accept-encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    pipeline(file, createGzip(), res, (err) => { if (err && !res.headersSent) next(err); });
  } else {
    file.on('error', next);
    res.setHeader('content-length', size);
    file.pipe(res);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
