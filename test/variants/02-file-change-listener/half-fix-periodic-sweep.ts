/**
 * INTENDED: keep every in-flight download's listener, and let one sweeper
 *   every 5 s drop the listeners of downloads that are over (finished or
 *   hung up), so the listener list stays short without touching the handler.
 * ACTUALLY: LEAKS between sweeps: each download's listener, with its response
 *   and the whole document it closes over, stays on fileEvents up to 5 s
 *   after it ended, on every path. At a few downloads a second that is
 *   hundreds of MiB held at any moment and the MaxListeners warning still fires.
 * PROOF: drive02.mts (24 downloads, 2 hang-ups after 1 MiB, 2 before the first
 *   byte, 24 404s, .env): 28 `changed` listeners and 176 MiB of arrayBuffers
 *   after gc() at t+0.4 s and t+2 s; 0 listeners only at t+10 s (after the sweep).
 * Check: FAIL: listeners yours 28 (bar 0), file bytes 176.0 MiB (bar 4 MiB),
 *   responses 28 (bar 0). RIGHT.
 */
import express, { type Response } from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const watching = new Map<Response, (changed: string) => void>();

setInterval(() => {
  for (const [res, listener] of watching) {
    if (res.writableFinished || res.destroyed) {
      fileEvents.off('changed', listener);
      watching.delete(res);
    }
  }
}, 5000).unref();

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
  watching.set(res, onFileChanged);

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
