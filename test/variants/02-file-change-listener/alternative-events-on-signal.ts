/**
 * RED-TEAM VARIANT
 * alternative (correct). events.on(fileEvents, 'changed', { signal }) async iterator; the signal is aborted from
 * stream.finished(res, cb), which also calls back at once for an already-closed response.
 * Proof: 0 listeners after full/keep-alive/mid/early hang-ups and errors; same-file cut (error at ~6 MiB), other-file download
 * ends at 33554432, both concurrent same-file downloads cut. Check: PASS quiet and loaded.
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

import { on } from 'node:events';
import { finished } from 'node:stream';

const app = express();

/** Cut `res` off when `name` changes; the AbortSignal removes the listener when the response closes. */
async function cutOffOnChange(name: string, res: express.Response, signal: AbortSignal) {
  try {
    for await (const [changed] of on(fileEvents, 'changed', { signal })) {
      if (changed === name && !res.writableFinished) {
        console.warn(`${name} changed during a download; cutting it off after ${res.socket?.bytesWritten ?? 0} bytes`);
        res.destroy();
        return;
      }
    }
  } catch (error) {
    if ((error as Error).name !== 'AbortError') throw error;
  }
}

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);

  const stop = new AbortController();
  // finished() also calls back at once for a response whose client already hung up while the file was read
  finished(res, () => stop.abort());
  void cutOffOnChange(name, res, stop.signal);

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
