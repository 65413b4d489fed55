/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: on 'close' (and for hang-ups during the awaits) closes the file only when file.fd is already set: misses the stream still opening
 * Check: FAIL: file descriptors left open after the aborted downloads (yours 30)
 */
import express from 'express';
import fs from 'node:fs';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  const closeFile = () => {
    if (typeof (file as unknown as { fd?: number }).fd === 'number') file.destroy();
  };
  if (res.closed) return closeFile();
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  res.on('close', closeFile);
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
void fs;
