/**
 * half-fix. lru-cache bounded at 8 MiB by bytes (correct), with a dispose() hook that records every eviction (name, size,
 * time) in a module-level array "for the metrics"; nothing ever trims it: one record per eviction, i.e. per miss once
 * the cache is full, for ever.
 * Proof: /work/rt/e/drive.mjs albummiss:64 snap albummiss:640 snap (album photos in a loop, each a miss that evicts): +648 strings, +668 objects, +640 numbers per 640 misses (~100 B each), never released.
 * Check: PASS: all lines ✓, 'memory your server's state gained over 200 more cache hits: yours 0 B' (hits never evict; nothing measures growth per miss). WRONG VERDICT
 * Check (stop 27): FAIL on the growth line (4.6 KiB of 2 KiB): the album again, one photo at a time, after the checkpoint, evicts. RIGHT VERDICT.
 * Was an open hole (round 16): grows per eviction; the growth measure's part (missing photos, refused names, hits) evicts
 * nothing, as a cache at its budget that admits files holds other files afterwards. Catching it: a part with
 * admissions whose cache ends holding what it held (a deterministic LRU does; a learner's policy may not).
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { checkFileName, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const evictions: { name: string; bytes: number; at: number }[] = [];
const thumbnailCache = new LRUCache<string, Buffer>({
  maxSize: 8 * 1024 * 1024,
  sizeCalculation: (file) => Math.max(file.length, 1),
  dispose: (file, name) => {
    evictions.push({ name, bytes: file.length, at: Date.now() });
  },
});

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  let file = thumbnailCache.get(name);
  if (file === undefined) {
    file = await readStoredFile(name);
    thumbnailCache.set(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
