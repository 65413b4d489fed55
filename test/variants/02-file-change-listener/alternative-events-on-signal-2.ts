/**
 * INTENDED: for await ... of events.on(fileEvents, 'changed', { signal }); AbortController aborted on res 'close'; return early if res.destroyed after the read.
 * ACTUALLY: CORRECT: the signal removes the listener however the response ends; the hung-up-during-read case never subscribes.
 * PROOF: All phases: listeners 0, ServerResponse 0, bytes 0. F1-F6 OK.
 *   (Proof = rt-tools/driver.mjs (server in a child process, real HTTP on 127.0.0.1; counts after global.gc(), cumulative vs baseline; Snap = heap-snapshot object counts).)
 * Check: PASS (0 / 0 B / 0). RIGHT.
 */
import express from 'express';
import { on } from 'node:events';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);
  if (res.destroyed) return; // the client left while the file was read

  const done = new AbortController();
  res.once('close', () => done.abort()); // however the response ends
  (async () => {
    try {
      for await (const [changed] of on(fileEvents, 'changed', { signal: done.signal })) {
        if (changed === name && !res.writableFinished) res.destroy();
      }
    } catch { /* AbortError: the download is over, the listener is gone */ }
  })();

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
