/**
 * INTENDED: don't splice fileEvents' listener array once per download: when
 *   a response closes, queue its listener; the first one queued schedules a
 *   flush 200 ms later that removes the whole batch at once.
 * ACTUALLY: LEAKS on the hang-up-before-the-first-byte path: when the client
 *   hangs up while the handler awaits readStoredFile, the response has
 *   already emitted 'close' by the time `res.once('close', ...)` is attached,
 *   so that listener never runs: the `changed` listener, its response and the
 *   whole 32 MiB document stay on fileEvents forever (2 per run here).
 *   Finished and mid-transfer downloads are cleaned within 200 ms.
 * PROOF: drive02.mts: 2 listeners and 64 MiB of arrayBuffers after gc() at
 *   t+0.4, 2 and 10 s (the two hang-ups before the first byte); 0 for all
 *   other paths by t+0.4 s.
 * Check: FAIL: listeners yours 2, file bytes 64.0 MiB, responses 2. RIGHT.
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

type Listener = (changed: string) => void;
let retired: Listener[] = [];
let flush: NodeJS.Timeout | undefined;

function retire(listener: Listener): void {
  retired.push(listener);
  if (flush) return;
  flush = setTimeout(() => {
    const batch = retired;
    retired = [];
    flush = undefined;
    for (const old of batch) fileEvents.off('changed', old);
  }, 200);
}

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
  res.once('close', () => retire(onFileChanged));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
