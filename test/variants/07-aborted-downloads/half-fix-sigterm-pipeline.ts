/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: stream.pipeline(file, res) closes every file; a per-download SIGTERM listener (graceful shutdown) is removed only on 'finish', so each aborted download leaves a listener and its ReadStream on process
 * Check: FAIL: responses kept after their downloads ended (yours 70)
 */
import express from 'express';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  const onShutdown = () => file.destroy();
  process.once('SIGTERM', onShutdown);
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  res.on('finish', () => process.off('SIGTERM', onShutdown));
  pipeline(file, res, (err) => {
    if (err && !res.headersSent) next(err);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
