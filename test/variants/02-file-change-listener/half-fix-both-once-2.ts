/**
 * INTENDED: fileEvents.once() instead of on().
 * ACTUALLY: LEAKS until the next 'changed' event of any file (one listener + response per download), and drops the feature (an unrelated change disarms every download in flight).
 * PROOF: complete x24 -> listeners +24, ServerResponse +24; cumulative +44 after all traffic; back to 0 only after an emit. F6 'completed' (want cut).
 *   (Proof = rt-tools/driver.mjs (server in a child process, real HTTP on 127.0.0.1; counts after global.gc(), cumulative vs baseline; Snap = heap-snapshot object counts).)
 * Check: FAIL (listeners 28, bytes 0 B, responses 28). RIGHT.
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);

  // once: the listener removes itself, so it cannot pile up (or so it seems)
  fileEvents.once('changed', (changed: string) => {
    if (changed === name && !res.writableFinished) res.destroy();
  });

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
