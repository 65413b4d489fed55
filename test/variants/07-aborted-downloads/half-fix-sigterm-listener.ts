/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: closes the file on res 'close'; also closes it on SIGTERM (graceful shutdown) with a process listener removed only on 'finish', so each aborted download leaves one on process
 * Check: FAIL: responses kept after their downloads ended (yours 50)
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
  const onShutdown = () => file.destroy();
  process.once('SIGTERM', onShutdown);
  res.on('finish', () => process.off('SIGTERM', onShutdown));
  res.on('close', () => file.destroy());
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
