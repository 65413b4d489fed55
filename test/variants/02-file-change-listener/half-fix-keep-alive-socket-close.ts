/**
 * INTENDED: remove the listener when the connection goes away ("whatever happens, the socket closes"), and
 *   never add one for a client that is already gone.
 * ACTUALLY: with keep-alive (browsers, fetch, any proxy/load balancer in front) one socket carries many
 *   downloads; the listeners (each closing over its whole file) pile up until the connection closes, which
 *   behind a proxy may be never. Same bug as apify/proxy-chain#130 in the README's reading list.
 * PROOF: see report (keep-alive agent vs agent:false).
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);
  const socket = req.socket;
  if (socket.destroyed || res.destroyed) return;

  const onFileChanged = (changed: string) => {
    if (changed === name && !res.writableFinished) {
      console.warn(`${name} changed during a download; cutting it off after ${res.socket?.bytesWritten ?? 0} of ${file.length} bytes`);
      res.destroy();
    }
  };
  fileEvents.on('changed', onFileChanged);
  socket.once('close', () => fileEvents.off('changed', onFileChanged));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
