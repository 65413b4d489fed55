/**
 * INTENDED: don't splice fileEvents' listener array once per download: when
 *   a response closes, queue its listener; the first one queued schedules a
 *   flush 200 ms later that removes the whole batch at once. A response that
 *   closed while the file was being read is not watched at all.
 * ACTUALLY: CORRECT: every watched response gets its 'close' (finished or
 *   hung up mid-transfer); a client that hung up during the read is seen
 *   through `res.closed` / `res.destroyed` and never gets a listener. Every
 *   listener is gone at most 200 ms after its download ended, however steady
 *   the traffic (later closes do not push the flush back).
 * PROOF: drive02.mts: 0 listeners at t+0.4 s; 0.0 MiB of arrayBuffers after
 *   gc() at t+2 s and t+10 s; cut-off feature kept (own file cut, other
 *   file not).
 * Check: PASS: listeners 0, file bytes 0 B, responses 0. RIGHT.
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
  // The client may have hung up while we read: nothing left to cut off, or to watch.
  if (res.closed || res.destroyed) return;

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
