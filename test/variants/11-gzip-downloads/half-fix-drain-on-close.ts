/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: when the client hangs up, unpipes the file and resumes it so it reads to the end and closes itself: the fd stays open while the rest of the file is read for nobody
 * Check: FAIL: file descriptors left open after the aborted gzip downloads (yours 70)
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
  const drain = () => { file.unpipe(); file.resume(); }; // read on to the end: autoClose closes the fd
  if (res.closed) return drain();
  res.on('close', drain);
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
