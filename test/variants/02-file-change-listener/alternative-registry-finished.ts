/**
 * RED-TEAM VARIANT
 * alternative (correct). One module-level listener; Map name -> Set of in-flight responses; stream.finished(res) removes.
 * Proof: listener count stays 1 (the shared one), 0.1 MiB after all traffic incl. early hang-ups; both concurrent same-file downloads
 * cut, other-file download completes. Check: PASS.
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

import { finished } from 'node:stream';

const app = express();

/** Every download in flight, by file name; one listener on fileEvents for all of them. */
const inFlight = new Map<string, Set<express.Response>>();

fileEvents.on('changed', (changed: string) => {
  for (const res of inFlight.get(changed) ?? []) {
    if (!res.writableFinished) {
      console.warn(`${changed} changed during a download; cutting it off after ${res.socket?.bytesWritten ?? 0} bytes`);
      res.destroy();
    }
  }
});

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);

  let downloads = inFlight.get(name);
  if (!downloads) inFlight.set(name, (downloads = new Set()));
  downloads.add(res);
  finished(res, () => {
    downloads.delete(res);
    if (downloads.size === 0 && inFlight.get(name) === downloads) inFlight.delete(name);
  });

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
