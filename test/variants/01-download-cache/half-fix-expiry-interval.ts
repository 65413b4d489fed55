/**
 * half-fix. Bounded LRU, plus one setInterval per stored entry to expire it after ten minutes, never cleared (not on eviction, not after expiry): a live timer and closure per cache miss, for ever.
 * Proof: drive.mjs phase album (album photos, every one a miss), warm+2x300: 655 live setIntervals counted by a wrapper in the driver vs 0 for alternative-hand-lru.ts; heapUsed +645 B/request vs +359 B/request control (round without warm-up).
 * Check: PASS, every line (state line 384 B, under the 2 KiB bar). WRONG VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: FAIL on the timers line (a timer per cached photo, named with its line). RIGHT VERDICT.
 */
/**
 * Photo downloads for the gallery app. Thumbnails and originals are read from
 * the file store; popular ones are kept in memory so the disk is not read for
 * every request.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const BUDGET = 8 * 1024 * 1024;
// A Map keeps insertion order: re-inserting on a hit makes the first entry the least recently used.
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;

const TEN_MINUTES = 10 * 60 * 1000;
/** Drop an entry ten minutes after it was stored, so an edited photo is not served stale for ever. */
function expireLater(name: string): void {
  const storedAt = Date.now();
  setInterval(() => {
    if (Date.now() - storedAt > TEN_MINUTES) {
      const old = thumbnailCache.get(name);
      if (old !== undefined) {
        thumbnailCache.delete(name);
        cachedBytes -= old.length;
      }
    }
  }, 60_000).unref();
}

function remember(name: string, file: Buffer): void {
  const old = thumbnailCache.get(name);
  if (old !== undefined) {
    thumbnailCache.delete(name);
    cachedBytes -= old.length;
  }
  if (file.length > BUDGET) return;
  while (cachedBytes + file.length > BUDGET) {
    const [oldestName, oldest] = thumbnailCache.entries().next().value!;
    thumbnailCache.delete(oldestName);
    cachedBytes -= oldest.length;
  }
  thumbnailCache.set(name, file);
  cachedBytes += file.length;
  expireLater(name);
}

app.get('/files/:name', async (req, res) => {
  const name = req.params.name;
  let file = thumbnailCache.get(name);
  if (file !== undefined) {
    thumbnailCache.delete(name);
    thumbnailCache.set(name, file);
  } else {
    file = await readStoredFile(name);
    remember(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
