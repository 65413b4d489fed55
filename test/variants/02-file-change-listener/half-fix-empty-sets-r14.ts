/**
 * half-fix. One listener and a Map from name to a Set of responses; the entry is made before the await and the response removed on 'close', but an empty Set is never deleted: every name ever asked for stays, the crawler's missing ones included.
 * Proof: /work/rt/c/drive02.mjs <file> 3 crawl (2,400 distinct 404s): heap after gc +2,393 KiB against +1,747 KiB for alternative-map-of-sets.ts (about 270 B per name); 0 listeners, 0 responses.
 * Check: FAIL on "names of missing documents kept" (yours 24, bar 8). RIGHT VERDICT
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

/** The downloads in flight, by document, and one listener for all of them. */
const downloads = new Map<string, Set<express.Response>>();
fileEvents.on('changed', (changed: string) => {
  for (const res of downloads.get(changed) ?? []) {
    console.warn(`${changed} changed during a download; cutting it off`);
    res.destroy();
  }
});

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  let inFlight = downloads.get(name);
  if (!inFlight) downloads.set(name, (inFlight = new Set()));
  inFlight.add(res);
  res.on('close', () => inFlight.delete(res));
  const file = await readStoredFile(name);
  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
