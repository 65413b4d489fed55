/**
 * half-fix. Byte-counted LRU where recency is an array of names: every hit pushes the name again, and the array is only
 * trimmed when something is evicted. With a hot working set that fits (the gallery), nothing is evicted and every cache
 * hit adds one string to the array for ever.
 * Proof: /work/rt/e/drive.mjs head:4000 snap x2: +4031 strings (126 KiB) and +44 KiB array per 4000 hits; no eviction ever trims it while the gallery fits.
 * Check: FAIL on 'memory your server's state gained over 200 more cache hits: yours 7.9 KiB, bar 2.0 KiB' (path recency -> Array). RIGHT VERDICT
 */
import express from 'express';
import { checkFileName, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const BUDGET = 8 * 1024 * 1024;
const thumbnailCache = new Map<string, Buffer>();
const recency: string[] = []; // oldest first; a name may appear several times, the last one counts
let cachedBytes = 0;

function evictUntil(room: number): void {
  while (cachedBytes + room > BUDGET && recency.length > 0) {
    const name = recency.shift()!;
    if (recency.includes(name)) continue; // used again later: not the least recent
    const file = thumbnailCache.get(name);
    if (file === undefined) continue;
    thumbnailCache.delete(name);
    cachedBytes -= file.length;
  }
}

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  let file = thumbnailCache.get(name);
  if (file === undefined) {
    file = await readStoredFile(name);
    if (file.length <= BUDGET && !thumbnailCache.has(name)) {
      evictUntil(file.length);
      thumbnailCache.set(name, file);
      cachedBytes += file.length;
    }
  }
  recency.push(name);
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
