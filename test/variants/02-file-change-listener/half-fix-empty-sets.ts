/**
 * INTENDED: one service-wide listener and a registry name -> Set of responses in flight,
 *   so two downloads of the same document are both cut. Each response registers before the
 *   read and leaves its Set on 'close'.
 * ACTUALLY: a response leaves its Set, but the Set never leaves the Map: every name ever
 *   asked for keeps an (empty) Set, the broken links' names included, for ever.
 * PROOF: driver.mjs (real HTTP; 16 complete downloads + 8 on one kept-alive connection, 2 video hang-ups after 1 MiB, 2 hang-ups during a 400 ms slowed read, 24 missing + .env, then 20k distinct missing names, then paused-client feature tests with fileEvents.emit via IPC): listeners 0, responses/bytes 0, features intact; 20k distinct missing names -> heapUsed +6.4 MiB after gc (correct registry +0.79 MiB).
 * Check: FAIL (names of missing documents kept 24, bar 8). RIGHT.
 */
import express from 'express';
import type { Response } from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const downloads = new Map<string, Set<Response>>();

fileEvents.on('changed', (changed: string) => {
  for (const res of downloads.get(changed) ?? []) if (!res.writableFinished) res.destroy();
});

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  let set = downloads.get(name);
  if (!set) downloads.set(name, (set = new Set()));
  set.add(res);
  res.once('close', () => set.delete(res));
  const file = await readStoredFile(name);
  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
