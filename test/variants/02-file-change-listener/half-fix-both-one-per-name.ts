/**
 * RED-TEAM VARIANT
 * half-fix-contract. Intent: one shared listener plus a Map name -> in-flight response, deleted on res 'close'.
 * Actually: two concurrent downloads of the same file: the second overwrites the first in the Map, so a change cuts only the latest one;
 * the earlier download runs to the end with half-old bytes.
 * Proof: two video downloads paused at 1 MiB, emit changed(video-1.mp4) -> 'ended:33554432 / error:6294931'. 1 listener, 0.1 MiB.
 * Check: PASS -> SLIPPED (its contract uses one download per file).
 * It also registers after the read: a client that hangs up while the file is read has fired 'close' before the
 * listener, and its response stays in the Map until the next download of that name: one response (with its request
 * and connection) per name. The check's count of responses kept after their downloads ended sees it.
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

/** The download in flight for each file: one shared listener instead of one per download. */
const downloading = new Map<string, express.Response>();

fileEvents.on('changed', (changed: string) => {
  const res = downloading.get(changed);
  if (res && !res.writableFinished) {
    console.warn(`${changed} changed during a download; cutting it off after ${res.socket?.bytesWritten ?? 0} bytes`);
    res.destroy();
  }
});

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);

  downloading.set(name, res);
  res.on('close', () => {
    if (downloading.get(name) === res) downloading.delete(name);
  });

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
