/**
 * INTENDED: take the listener off when the response closes, but only after a
 *   30 s grace period "in case the kernel is still flushing the last bytes",
 *   on an unref'd timer so it never keeps the process alive.
 * ACTUALLY: LEAKS for 30 s after every download, every path: each listener
 *   keeps its response and whole document on fileEvents for the grace
 *   period; at production rates that is the original leak with a 30 s cap
 *   (hundreds of MiB at a few downloads a second), and the MaxListeners
 *   warning still fires.
 * PROOF: drive02.mts: 28 listeners and 176 MiB of arrayBuffers after gc() at
 *   t+0.4, 2 and 10 s (the grace is 30 s).
 * Check: FAIL: listeners yours 28, file bytes 176.0 MiB (path through the
 *   unref'd Timeout), responses 28. RIGHT.
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const GRACE_MS = 30_000;

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
  res.on('close', () => {
    setTimeout(() => fileEvents.off('changed', onFileChanged), GRACE_MS).unref();
  });

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
