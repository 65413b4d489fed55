/**
 * INTENDED: Remove the listener when the connection (req.socket) closes.
 * ACTUALLY: LEAKS: a keep-alive connection carries many downloads, each adds a listener that stays until the connection closes; a socket that closed during the read never emits 'close' again.
 * PROOF: keep-alive x8 (socket open) -> listeners +8, ServerResponse +8; +2 more for hang-ups before first byte; closing the keep-alive socket releases 8, 2 stay.
 *   (Proof = rt-tools/driver.mjs (server in a child process, real HTTP on 127.0.0.1; counts after global.gc(), cumulative vs baseline; Snap = heap-snapshot object counts).)
 * Check: FAIL (listeners 10, bytes 0 B, responses 10). RIGHT.
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
    if (changed === name && !res.writableFinished) res.destroy();
  };
  fileEvents.on('changed', onFileChanged);
  // the connection closes whether the download finished or the client left
  req.socket.once('close', () => fileEvents.off('changed', onFileChanged));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
