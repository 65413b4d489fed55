/**
 * half-fix. Removes the listener on res 'finish' and on res.socket.once('close'), registered after the await. The socket listener is never removed, so on a kept-alive (browser) connection each download's closure, with its file and response, stays until the connection closes; and the early hang-ups still leak as in close-after-await.
 * Proof: /work/rt/c/drive02.mjs, 3 rounds with a browser-like keep-alive connection left open (2 photo downloads a round): 108 MiB of arrayBuffers after gc, 96 MiB once that connection closed (12 MiB = 6 x 2 MiB held by the open socket), plus 3 listeners for the early hang-ups.
 * Check: FAIL on listeners (2), file bytes (80 MiB), responses (10, path "Socket kept by Node while it is in use -> ._events.close[5] -> stopWatching()"). RIGHT VERDICT
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);

  const onFileChanged = (changed: string) => {
    if (changed === name && !res.writableFinished) {
      console.warn(`${name} changed during a download; cutting it off after ${res.socket?.bytesWritten ?? 0} of ${file.length} bytes`);
      res.destroy();
    }
  };
  fileEvents.on('changed', onFileChanged);
  const stopWatching = () => fileEvents.off('changed', onFileChanged);
  res.once('finish', stopWatching);
  // A client that hangs up closes its connection.
  res.socket?.once('close', stopWatching);

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
