/**
 * INTENDED: events.on(fileEvents, 'changed', { signal }) loop, AbortController aborted on res 'finish'.
 * ACTUALLY: LEAKS on the hang-up before the first byte ('finish' never fires, the async iterator keeps its listener).
 * PROOF: hang up before first byte x2 -> listeners +2, ServerResponse +2; other phases 0. Feature OK.
 *   (Proof = rt-tools/driver.mjs (server in a child process, real HTTP on 127.0.0.1; counts after global.gc(), cumulative vs baseline; Snap = heap-snapshot object counts).)
 * Check: FAIL (listeners 2, bytes 0 B, responses 2). RIGHT.
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

  const done = new AbortController();
  res.on('finish', () => done.abort());
  (async () => {
    try {
      for await (const [changed] of on(fileEvents, 'changed', { signal: done.signal })) {
        if (changed === name && !res.writableFinished) res.destroy();
      }
    } catch { /* aborted: the download is over */ }
  })();

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
