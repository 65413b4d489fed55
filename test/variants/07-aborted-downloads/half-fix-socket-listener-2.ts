/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: closes the file when the connection closes (req.socket 'close'): works for hang-ups, piles listeners (each with its file) on a keep-alive connection
 * Check: FAIL: listeners left on a connection kept open for 8 downloads (yours 8); responses kept after their downloads ended (yours 8)
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
  if (req.socket.destroyed) return void file.destroy();
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  req.socket.once('close', () => file.destroy());
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
