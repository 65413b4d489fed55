/**
 * INTENDED: Same as empty-sets-kept but keyed by the file's path on disk (path.join(FILES_DIR, name)) — probes whether the names measure finds names inside another string.
 * ACTUALLY: LEAKS one Map entry per distinct requested name (as a path string), missing names included.
 * PROOF: driver: 2000 distinct missing names -> heap +1446 KiB vs +553 KiB for the correct registry.
 * Check: FAIL (names of missing documents yours 24, bar 8). RIGHT.
 */
/**
 * Document downloads for the team drive. Documents can be replaced while
 * someone is downloading them; a download whose file changes mid-transfer is
 * cut off, so the client retries instead of saving half old, half new bytes.
 */
import express from 'express';
import path from 'node:path';
import { fileEvents, FILES_DIR, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

/** Downloads in flight, by the file's path on disk; one shared listener cuts the ones whose file changed. */
const inFlight = new Map<string, Set<express.Response>>();
const fileKey = (name: string) => path.join(FILES_DIR, name);
fileEvents.on('changed', (changed: string) => {
  for (const res of inFlight.get(fileKey(changed)) ?? []) {
    if (!res.writableFinished) {
      console.warn(`${changed} changed during a download; cutting it off after ${res.socket?.bytesWritten ?? 0} bytes`);
      res.destroy();
    }
  }
});

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  // Register before reading, so a change during the read cuts it too.
  const key = fileKey(name);
  let downloads = inFlight.get(key);
  if (!downloads) inFlight.set(key, (downloads = new Set()));
  downloads.add(res);
  res.on('close', () => downloads.delete(res));
  const file = await readStoredFile(name);
  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
