/**
 * KIND: correct
 * INTENDED: an AbortController per download, aborted when the response closes (any reason) or when the
 *   player stalls for 30 s (a watchdog refreshed on every chunk and cleared when the response closes);
 *   the file stream is tied to the signal with addAbortSignal.
 * ACTUALLY: Response 'close' aborts the controller (clearing the 30 s watchdog), addAbortSignal destroys the file at once, also when the signal was aborted before the file existed; the watchdog is refreshed per chunk and cleared on close, so no timer outlives a request.
 * PROOF: drive07.mjs: all features ok; 0 fds and 0 pending timers at t+0.5 s after all hang-ups.
 * Check: PASS: yours 0 / listeners 0 -- RIGHT
 */
import express from 'express';
import path from 'node:path';
import { addAbortSignal } from 'node:stream';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const controller = new AbortController();
  const stall = setTimeout(() => controller.abort(new Error('player stalled for 30 s')), 30_000);
  const onClose = () => {
    clearTimeout(stall);
    controller.abort();
  };
  res.once('close', onClose);
  controller.signal.addEventListener('abort', () => res.destroy(), { once: true });
  try {
    const name = checkFileName(req.params.name);
    const size = await storedFileSize(name);
    const file = addAbortSignal(controller.signal, await openStoredFile(name));
    file.on('error', (error) => {
      if (error.name !== 'AbortError') next(error);
    });
    file.on('data', () => stall.refresh());
    res.type(path.extname(name));
    res.setHeader('content-length', size);
    res.setHeader('cache-control', 'private, max-age=3600');
    file.pipe(res);
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
