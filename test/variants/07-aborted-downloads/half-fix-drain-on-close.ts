/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: when the client hangs up, unpipes the file and resumes it so it reads on to the end and closes itself (autoClose): the fd stays open, and the whole rest of the file is read from disk for nobody
 * Check: FAIL: file descriptors left open after the aborted downloads (yours 68)
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  file.on('error', next);
  const drain = () => { file.unpipe(res); file.resume(); }; // let it reach the end: autoClose closes the fd
  if (res.closed) return drain();
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  res.on('close', drain);
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
