/**
 * half-fix. A byte-bounded LRU keyed by name whose dispose() records every eviction (name, size, time) in an array that is never trimmed: a record per eviction, for ever, while the cache stays at 8 MiB.
 * Proof: /work/rt/i/drive-churn.mjs, 45 rounds (1440 evicting misses): heapUsed +930 KiB vs +721 KiB for the correct fix; 15 rounds: +579 vs +512 KiB (the gap grows with evictions, ~145 B each). Bytes stay at 8 MiB.
 * Check: FAIL on "state gained 4.6 KiB" (path evictions -> Array). RIGHT VERDICT
 * Blind round 19 (stop 28). Check after that stop's change: FAIL. RIGHT VERDICT.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile, checkFileName } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const evictions: { name: string; bytes: number; at: number }[] = [];
const photoCache = new LRUCache<string, Buffer>({
  maxSize: 8 * 1024 * 1024,
  sizeCalculation: (f) => Math.max(f.length, 1),
  dispose: (file, name) => { evictions.push({ name, bytes: file.length, at: Date.now() }); },
});
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
  res.type(name).set("Cache-Control", "public, max-age=300").send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
