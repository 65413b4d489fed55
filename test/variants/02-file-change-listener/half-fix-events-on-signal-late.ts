/**
 * RED-TEAM VARIANT
 * half-fix (still leaks). Intent: events.on(fileEvents, 'changed', { signal }) and abort the signal on res 'close'.
 * (Written first as a correct alternative; the probe showed the hole.)
 * Actually: res 'close' that already happened (client hung up while readStoredFile ran) is never seen, so the iterator's listener stays.
 * Proof: 0 listeners after full and mid-transfer hang-ups; 3 early hang-ups -> 3 listeners left (memory 0.1 MiB since the iterator
 * closure does not hold the file). Check: PASS -> SLIPPED (listener count leak not exercised).
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

import { on } from 'node:events';

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
  res.once('close', () => stop.abort());
  void cutOffOnChange(name, res, stop.signal);

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
