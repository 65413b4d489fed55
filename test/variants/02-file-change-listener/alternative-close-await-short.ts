/**
 * KIND: correct
 * INTENDED: on close, let the last 'changed' events of the same tick through (await setImmediate, then a
 *           50 ms pause for a log flush), then unsubscribe; a download's life is capped at 10 minutes by an
 *           AbortSignal.any([close, AbortSignal.timeout(10 min)]).
 * ACTUALLY: right: released ≤~60 ms after close (setImmediate + 50 ms); the 10-min AbortSignal.timeout timers outlive the request but hold only a weak ref to their signal and nothing of the download.
 * PROOF: drive02.mjs: t+0.5 s 0 listeners / 0 MiB (2 AbortSignal.timeout 600000 timers pending, collected by t+2 s); contract OK.
 * Check: PASS. RIGHT.
 */
import express from 'express';
import { addAbortListener } from 'node:events';
import { setImmediate as nextTurn, setTimeout as pause } from 'node:timers/promises';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();
const MAX_DOWNLOAD_MS = 10 * 60_000;

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const over = new AbortController();
  res.once('close', () => over.abort());
  const file = await readStoredFile(name);

  const onFileChanged = (changed: string) => {
    if (changed === name && !res.writableFinished) {
      console.warn(`${name} changed during a download; cutting it off after ${res.socket?.bytesWritten ?? 0} of ${file.length} bytes`);
      res.destroy();
    }
  };
  fileEvents.on('changed', onFileChanged);
  const signal = AbortSignal.any([over.signal, AbortSignal.timeout(MAX_DOWNLOAD_MS)]);
  const cleanUp = async () => {
    await nextTurn();
    await pause(50);
    fileEvents.off('changed', onFileChanged);
    if (!over.signal.aborted) res.destroy(); // the 10-minute cap, not a close
  };
  if (res.destroyed) void cleanUp();
  else addAbortListener(signal, () => void cleanUp());

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
