/**
 * INTENDED: Shared listener + Map name -> Set of responses, registered before the read so a change during the read cuts too.
 * ACTUALLY: LEAKS one Map entry (name + empty Set) per distinct name ever asked for, missing ones included (entry created before readStoredFile throws 404/400, never deleted).
 * PROOF: driver: 0 listeners/responses; 2000 distinct missing names -> heap +1136 KiB vs +553 KiB for correct-registry-finished.
 * Check: FAIL (names of missing documents yours 24, bar 8). RIGHT.
 */
/**
 * Document downloads for the team drive. Documents can be replaced while
 * someone is downloading them; a download whose file changes mid-transfer is
 * cut off, so the client retries instead of saving half old, half new bytes.
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

/** Downloads in flight, by file name; one shared listener cuts the ones whose file changed. */
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
  // Register before reading, so a change during the read cuts it too.
  let downloads = inFlight.get(name);
  if (!downloads) inFlight.set(name, (downloads = new Set()));
  downloads.add(res);
  res.on('close', () => downloads.delete(res));
  const file = await readStoredFile(name);
  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
