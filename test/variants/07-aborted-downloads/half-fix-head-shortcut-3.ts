/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: closes the file on res 'close' (with a check for hang-ups during the awaits), but a HEAD shortcut returns before that and leaves its file open
 * Check: FAIL: file descriptors left open after the aborted downloads (yours 10)
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
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  if (req.method === 'HEAD') return void res.end(); // players only want the size: don't read 32 MiB for nothing
  if (res.closed) return void file.destroy();
  file.on('error', next);
  res.on('close', () => file.destroy());
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
