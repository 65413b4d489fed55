/**
 * KIND: correct
 * INTENDED: stream.finished() tells when each download is over (finish, close or error, and at once if it is
 *           already over); the unsubscriptions are batched and flushed by one short (200 ms) timer that is
 *           armed only while there is something to flush.
 * ACTUALLY: right: released ≤200 ms after each download; the flush timer exists only while something is pending.
 * PROOF: drive02.mjs: 0 listeners / 0 MiB / no timer at t+0.5 s; contract OK.
 * Check: PASS. RIGHT.
 */
import express from 'express';
import { finished } from 'node:stream';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const toRemove: ((changed: string) => void)[] = [];
let flushTimer: NodeJS.Timeout | undefined;
function flush() {
  flushTimer = undefined;
  for (const listener of toRemove.splice(0)) fileEvents.off('changed', listener);
}
function unsubscribeSoon(listener: (changed: string) => void) {
  toRemove.push(listener);
  flushTimer ??= setTimeout(flush, 200);
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
  finished(res, () => unsubscribeSoon(onFileChanged));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
