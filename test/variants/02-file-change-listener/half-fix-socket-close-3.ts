/**
 * INTENDED: remove the listener when the client goes away, on the connection's 'close'
 *   (registered before the await, so a hang-up during the read counts too).
 * ACTUALLY: on a kept-alive connection the socket outlives each download: every download
 *   over it leaves its fileEvents listener (with its response and its whole file) and a
 *   'close' listener on the socket until the browser closes the connection, which may be
 *   never (a browser tab open all day, an agent pool).
 * PROOF: driver.mjs (real HTTP; 16 complete downloads + 8 on one kept-alive connection, 2 video hang-ups after 1 MiB, 2 hang-ups during a 400 ms slowed read, 24 missing + .env, then 20k distinct missing names, then paused-client feature tests with fileEvents.emit via IPC): listener delta 8 after the 8 downloads on the kept-alive connection (16 one-shot ones: 0), kept-alive socket carries close:10 listeners; 20k missing names over 50 kept-alive sockets -> heapUsed +166.8 MiB after gc (each request's socket 'close' closure keeps req/res). Drops to 0 only when the connections close.
 * Check: FAIL (8 listeners, 8 responses kept via Socket). RIGHT.
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  let onFileChanged: ((changed: string) => void) | undefined;
  req.socket.once('close', () => {
    if (onFileChanged) fileEvents.off('changed', onFileChanged);
  });
  const file = await readStoredFile(name);
  if (req.socket.destroyed) return;
  onFileChanged = (changed: string) => {
    if (changed === name && !res.writableFinished) res.destroy();
  };
  fileEvents.on('changed', onFileChanged);
  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
