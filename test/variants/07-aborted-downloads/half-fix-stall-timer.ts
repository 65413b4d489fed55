/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: closes the file on res 'close'; adds a 2-minute stall guard per download that is cleared only on 'finish', so aborted downloads leave a timer holding their file and response
 * Check: FAIL: timers still running after the downloads (yours 50); responses kept after their downloads ended (yours 50)
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
  if (res.closed) return void file.destroy();
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  const stall = setTimeout(() => { file.destroy(); res.destroy(); }, 120_000);
  stall.unref();
  res.on('finish', () => clearTimeout(stall));
  res.on('close', () => file.destroy());
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
