/**
 * half-fix. A byte-bounded LRU keyed by name; hit counts per query string kept in a WeakMap keyed by the cached Buffer ("it goes when the photo is evicted"): while a photo stays cached its Map gains an entry per new query string.
 * Proof: /work/rt/i/drive-keepalive.mjs UNIQUE=1: 10000 hits -> heapUsed +410 KiB (42 B/hit; correct fix +84.5 KiB).
 * Check: FAIL on "state gained 23.1 KiB" (path hitsByQuery WeakMap -> Map). RIGHT VERDICT
 * Blind round 19 (stop 28). Check after that stop's change: FAIL. RIGHT VERDICT.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile, checkFileName } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const photoCache = new LRUCache<string, Buffer>({ maxSize: 8 * 1024 * 1024, sizeCalculation: (f) => Math.max(f.length, 1) });
const hitsByQuery = new WeakMap<Buffer, Map<string, number>>();
const reading = new Map<string, Promise<Buffer>>();

async function photo(name: string): Promise<Buffer> {
  const cached = photoCache.get(name);
  if (cached !== undefined) return cached;
  let pending = reading.get(name);
  if (pending === undefined) {
    pending = readStoredFile(name).then((file) => { photoCache.set(name, file); return file; }).finally(() => reading.delete(name));
    reading.set(name, pending);
  }
  return pending;
}

app.get("/files/:name", async (req, res) => {
  const name = checkFileName(req.params.name);
  const file = await photo(name);
  let hits = hitsByQuery.get(file);
  if (hits === undefined) hitsByQuery.set(file, (hits = new Map()));
  const query = req.originalUrl.slice(req.path.length);
  hits.set(query, (hits.get(query) ?? 0) + 1);
  res.type(name).set("Cache-Control", "public, max-age=300").send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
