/**
 * INTENDED: Listener and res.once('close', off) both registered before the read.
 * ACTUALLY: CORRECT: 'close' fires for every ending, including 404/500 responses and a hang-up during the read. Bonus: a change during the read cuts the download too.
 * PROOF: All phases 0 (incl. 404 x20, errors x6). F1-F6 OK.
 *   (Proof = rt-tools/driver.mjs (server in a child process, real HTTP on 127.0.0.1; counts after global.gc(), cumulative vs baseline; Snap = heap-snapshot object counts).)
 * Check: PASS (0 / 0 B / 0). RIGHT.
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;

  // subscribe and arrange the cleanup before anything can fail or wait
  const onFileChanged = (changed: string) => {
    if (changed === name && !res.writableFinished) res.destroy();
  };
  fileEvents.on('changed', onFileChanged);
  res.once('close', () => fileEvents.off('changed', onFileChanged));

  const file = await readStoredFile(name);
  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
