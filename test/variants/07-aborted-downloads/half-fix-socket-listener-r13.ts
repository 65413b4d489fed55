/**
 * half-fix. Destroys the file on req.socket.once('close') (and at once if the socket is already gone): correct for every hang-up, but on a kept-alive connection each download adds one more listener that stays until the connection closes.
 * Proof: drv/drive07.mjs: 0 descriptors left at every hang-up point, but the kept-alive socket's 'close' listeners went 2 -> 10 after 8 downloads.
 * Check: FAIL (listeners on the kept-alive connection 8, responses 8). Correct verdict.
 */
/**
 * Downloads for the media library: GET /files/:name streams a stored photo or
 * video to the client, without loading it into memory. Videos are large, and
 * players hang up all the time: the viewer seeks, closes the tab, or the phone
 * changes network halfway through.
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
  // When the player's connection goes, the file goes with it.
  if (req.socket.destroyed) {
    file.destroy();
    return;
  }
  req.socket.once('close', () => file.destroy());
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
