/**
 * half-fix. Intended: close the file when the player's connection goes away.
 * Actually: fds are closed (socket close fires on hang-up), but every request adds a 'close' listener (holding its ReadStream) to the socket; on a keep-alive connection they pile up for the connection's life.
 * Proof: ka07.mjs, 30 photo downloads on one keep-alive socket: 32 'close' listeners on the socket + MaxListenersExceededWarning (fixed versions: 2). fd.mjs: 0 fds left.
 * Check: PASS (yours 0) -> SLIPPED as a memory/listener leak (the check measures only fds and uses no keep-alive).
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
  // When the player's connection goes away, close the file with it.
  const socket = req.socket;
  if (socket.destroyed) { file.destroy(); return; }
  socket.on('close', () => file.destroy());
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
