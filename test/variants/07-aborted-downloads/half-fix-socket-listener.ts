/**
 * INTENDED: close the file on the socket's 'close', registered before the awaits.
 * ACTUALLY: LEAKS listeners: one 'close' listener (closure holding the ReadStream) per request on a keep-alive connection; fds fine.
 * PROOF: downloads.mts: keep-alive socket listeners 11 -> 19 after 8 more requests, MaxListenersExceededWarning; fds 0.
 * Check: FAIL (listeners yours 8, responses kept yours 8). RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  let file: Awaited<ReturnType<typeof openStoredFile>> | undefined;
  // registered first, so that a hang-up during the awaits is seen too
  req.socket.on('close', () => file?.destroy());
  const size = await storedFileSize(name);
  file = await openStoredFile(name);
  if (req.socket.destroyed) {
    file.destroy();
    return;
  }
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
