/**
 * KIND: correct
 * INTENDED: a subscription object disposed with `using` when the handler's block ends, and the block ends
 *           when the response closes; a deadline timer (a download that is not over after 10 minutes, a
 *           client that stopped reading and pins the file in memory, is destroyed), cleared at once when the
 *           download is over.
 * ACTUALLY: right: the `using` block ends when the response closes (or is already closed), disposing the subscription; the 10-minute deadline timer is cleared at the same moment.
 * PROOF: drive02.mjs: 0 listeners / 0 MiB / no timer at t+0.5 s; contract OK.
 * Check: PASS. RIGHT.
 */
import express from 'express';
import type { Response } from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();
const DEADLINE_MS = 10 * 60_000;

function watchFile(listener: (changed: string) => void): Disposable {
  fileEvents.on('changed', listener);
  return { [Symbol.dispose]: () => void fileEvents.off('changed', listener) };
}

function closeOf(res: Response): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed || res.writableFinished) resolve();
    res.once('close', () => resolve());
  });
}

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);

  {
    using _watch = watchFile((changed: string) => {
      if (changed === name && !res.writableFinished) {
        console.warn(`${name} changed during a download; cutting it off after ${res.socket?.bytesWritten ?? 0} of ${file.length} bytes`);
        res.destroy();
      }
    });
    const deadline = setTimeout(() => res.destroy(), DEADLINE_MS);
    try {
      res.type(name).send(file);
      await closeOf(res);
    } finally {
      clearTimeout(deadline);
    }
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
