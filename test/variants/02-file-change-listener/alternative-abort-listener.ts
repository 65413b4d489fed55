/**
 * INTENDED: AbortController aborted on res 'close' (registered before the read); listener removed through events.addAbortListener(signal, ...).
 * ACTUALLY: CORRECT.
 * PROOF: All phases 0. F1-F6 OK.
 *   (Proof = rt-tools/driver.mjs (server in a child process, real HTTP on 127.0.0.1; counts after global.gc(), cumulative vs baseline; Snap = heap-snapshot object counts).)
 * Check: PASS (0 / 0 B / 0). RIGHT.
 */
import express from 'express';
import { addAbortListener } from 'node:events';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const done = new AbortController();
  res.once('close', () => done.abort()); // before the read: a hang-up during the read counts too

  const file = await readStoredFile(name);
  if (done.signal.aborted) return;

  const onFileChanged = (changed: string) => {
    if (changed === name && !res.writableFinished) res.destroy();
  };
  fileEvents.on('changed', onFileChanged);
  addAbortListener(done.signal, () => fileEvents.off('changed', onFileChanged));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
