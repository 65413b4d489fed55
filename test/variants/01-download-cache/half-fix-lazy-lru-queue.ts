/**
 * half-fix. A byte-budget LRU keyed by name whose use order is an append-only array: every cache hit pushes the key again, and old occurrences are dropped only when something is evicted. With a hot cache (all hits, no evictions) the array grows by one string per request, forever.
 * Proof: /work/rt/a/d01-hits.mjs with FG_FILES_DIR=/work/rt/a/files01 (4 tiny files, 80000 hits with ?t=i): heapUsed +1.4, +2.4, +3.3, +4.3 MiB after 20k/40k/60k/80k hits (~47 B per request); alternative-lru-cache stays at +0.76..0.95 MiB. File memory correct (d01.mjs: 8.05 MiB).
 * Check: PASS (all three lines green). WRONG VERDICT (a small per-request leak of heap strings; the check's 24 hits add ~1 KiB and no line counts heap growth per request)
 * Open hole (round 14): about 47 B per cache hit, for ever; the check's traffic has a few dozen hits (about 1 KiB), far under any bar a fixed server's noise allows. Catching it needs thousands of hits, or a measure of growth per request between two batches: left for a later round.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const CACHE_BUDGET = 8 * 1024 * 1024;
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;
/**
 * Use order, oldest first. A hit just appends the key again (cheap, no search);
 * stale earlier occurrences are skipped when we evict.
 */
const useOrder: string[] = [];
const uses = new Map<string, number>(); // occurrences of each key in useOrder

function touch(key: string): void {
  useOrder.push(key);
  uses.set(key, (uses.get(key) ?? 0) + 1);
}

function makeRoom(needed: number): void {
  while (cachedBytes + needed > CACHE_BUDGET && useOrder.length > 0) {
    const key = useOrder.shift()!;
    const left = uses.get(key)! - 1;
    if (left > 0) {
      uses.set(key, left); // used again later: not the least recently used
      continue;
    }
    uses.delete(key);
    const old = thumbnailCache.get(key);
    if (old) {
      thumbnailCache.delete(key);
      cachedBytes -= old.length;
    }
  }
}

app.get('/files/:name', async (req, res) => {
  const cacheKey = req.params.name;
  let file = thumbnailCache.get(cacheKey);
  if (file === undefined) {
    file = await readStoredFile(req.params.name);
    if (file.length <= CACHE_BUDGET && !thumbnailCache.has(cacheKey)) {
      makeRoom(file.length);
      thumbnailCache.set(cacheKey, file);
      cachedBytes += file.length;
      touch(cacheKey);
    }
  } else {
    touch(cacheKey);
  }
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
