/**
 * INTENDED: let `stream.finished(res, cb)` say when the download is over,
 *   however it ended (finished, hung up, already closed while the file was
 *   read), and take the listener off 500 ms later, so that a `changed` racing
 *   the last bytes still finds it.
 * ACTUALLY: CORRECT: finished() calls back on every path, also for a
 *   response that closed before it was called (next tick, with a premature-
 *   close error); each listener, with its response and document, is gone
 *   500 ms after its download ended.
 * PROOF: drive02.mts: 2 listeners and 2 Timeouts at t+0.4 s (inside the 500 ms
 *   grace), 0 listeners and 0.0 MiB after gc() at t+2 s and t+10 s;
 *   cut-off feature kept.
 * Check: PASS: listeners 0, file bytes 0 B, responses 0. RIGHT.
 */
import express from 'express';
import { finished } from 'node:stream';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const GRACE_MS = 500;

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);

  const onFileChanged = (changed: string) => {
    if (changed === name && !res.writableFinished) {
      console.warn(`${name} changed during a download; cutting it off after ${res.socket?.bytesWritten ?? 0} of ${file.length} bytes`);
      res.destroy();
    }
  };
  fileEvents.on('changed', onFileChanged);
  finished(res, () => {
    setTimeout(() => fileEvents.off('changed', onFileChanged), GRACE_MS);
  });

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
