/**
 * INTENDED: a byte-budget LRU written as "admit, then trim": every file read is put at the
 *   fresh end of the Map, then the oldest entries are dropped until the total is back
 *   within 8 MiB. A file larger than the budget is dropped by the same loop (it is the
 *   last one left when the total is still over), so no special case is needed; the trim
 *   runs synchronously right after the insert, so concurrent misses cannot overshoot.
 * ACTUALLY: Correct: the Map never holds more than 8 MiB once the handler's synchronous trim ran; oversized files are admitted and immediately trimmed (so a 32 MiB video flushes the whole cache: a hit-rate weakness, not a leak). Query strings hit, 404/400 unchanged.
 * PROOF: driver.mjs: arrayBuffers after gc 8.02 MiB after gallery, 0.02 MiB after the video (cache flushed by the oversized file), 4.02 MiB at end; 24 repeats 0 disk reads; 20k missing names +0.77 MiB heap (noise); byte-exact. driver-nogc.mjs: working set 7.2 MiB asked twice -> 0 second-ask disk reads.
 * Check: PASS (Buffer bytes beyond budget -8.0 MiB, file bytes kept 0 B). RIGHT (correct fix). Note: the check does not notice that one big file empties the cache.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const BUDGET = 8 * 1024 * 1024;
const photos = new Map<string, Buffer>();
let total = 0;

function admit(name: string, file: Buffer): void {
  const old = photos.get(name);
  if (old) {
    photos.delete(name);
    total -= old.length;
  }
  photos.set(name, file);
  total += file.length;
  for (const [oldest, bytes] of photos) {
    if (total <= BUDGET) break;
    photos.delete(oldest);
    total -= bytes.length;
  }
}

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  let file = photos.get(name);
  if (file) admit(name, file); // refresh recency
  else {
    file = await readStoredFile(name);
    admit(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
