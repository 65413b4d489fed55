/**
 * Blind red team, round 10 (a correct fix, proven by hand with the team's own driver): correct fix: an AbortController per request, aborted on res 'close'; the handler bails out after each await and stream.addAbortSignal destroys the file on abort
 * Check: PASS: every measure and the contract pass
 */
import express from 'express';
import path from 'node:path';
import { addAbortSignal } from 'node:stream';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const hangUp = new AbortController();
  res.once('close', () => hangUp.abort());
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  if (hangUp.signal.aborted) return;
  const file = await openStoredFile(name);
  file.on('error', (err: NodeJS.ErrnoException) => {
    if (err.name !== 'AbortError') next(err);
  });
  addAbortSignal(hangUp.signal, file); // destroys the file now if the client has gone, or when it goes
  if (hangUp.signal.aborted) return;
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
