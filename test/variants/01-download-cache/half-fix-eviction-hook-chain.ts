/**
 * half-fix. Bounded LRU, plus an eviction hook that wraps itself in a new closure at every eviction (closure chain, no collection): a closure per eviction, for ever.
 * Proof: /work/rt/g/drive.mjs phase album (every request a miss, so every one evicts), 2x600: second round +343 KiB (585 B/request) vs +113 KiB (193 B/request) for alternative-hand-lru.ts.
 * Check: FAIL on 'memory your server's state gained' (17.9 KiB, path afterEviction → afterEviction()). RIGHT VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: FAIL on the growth line (17.9 KiB, path afterEviction). RIGHT VERDICT.
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

/** Called with each evicted name; each eviction wraps the hook once more so metrics see every one. */
let afterEviction: (name: string) => void = () => {};
function noteEviction(name: string): void {
  const before = afterEviction;
  const evictedAt = Date.now();
  afterEviction = (next) => {
    before(next);
    if (next === name) console.log(`${name} was evicted at ${evictedAt} and is back`);
  };
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
    noteEviction(oldestName);
  }
  thumbnailCache.set(name, file);
  cachedBytes += file.length;
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
