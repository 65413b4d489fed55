/**
 * half-fix. A byte-bounded LRU keyed by name; hits per URL are counted on the shared storageStats object of the file store ("the stats live with the other stats"): an entry per query string, kept for ever in another module.
 * Proof: /work/rt/i/drive-keepalive.mjs UNIQUE=1: 10000 hits -> heapUsed +928 KiB (95 B/hit; correct fix +84.5 KiB).
 * Check: FAIL on "state gained 9.0 KiB" (path storageStats exported by checker/service/storage.ts -> .hitsByUrl). RIGHT VERDICT
 * Blind round 19 (stop 28). Check after that stop's change: FAIL. RIGHT VERDICT.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile, checkFileName, storageStats } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const photoCache = new LRUCache<string, Buffer>({ maxSize: 8 * 1024 * 1024, sizeCalculation: (f) => Math.max(f.length, 1) });
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

const stats = storageStats as typeof storageStats & { hitsByUrl?: Record<string, number> };
stats.hitsByUrl = {};

app.get("/files/:name", async (req, res) => {
  const name = checkFileName(req.params.name);
  const file = await photo(name);
  stats.hitsByUrl![req.originalUrl] = (stats.hitsByUrl![req.originalUrl] ?? 0) + 1;
  res.type(name).set("Cache-Control", "public, max-age=300").send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
