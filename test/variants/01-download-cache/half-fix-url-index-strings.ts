/**
 * half-fix. A byte-bounded LRU keyed by name, plus an index from each URL seen to its file name (strings only, no Buffers), never trimmed: a small entry per new query string, for ever.
 * Proof: /work/rt/i/drive-keepalive.mjs UNIQUE=1: 10000 hits with new query strings -> heapUsed +1104 KiB (113 B/hit; correct fix +84.5 KiB). Bytes stay at 8 MiB.
 * Check: FAIL on "names of missing photos kept: 208" and "state gained 32.4 KiB" (path shows photoCache -> d -> key string, not nameOfUrl). RIGHT VERDICT
 * Blind round 19 (stop 28). Check after that stop's change: FAIL. RIGHT VERDICT.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile, checkFileName } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const photoCache = new LRUCache<string, Buffer>({ maxSize: 8 * 1024 * 1024, sizeCalculation: (f) => Math.max(f.length, 1) });
const nameOfUrl = new Map<string, string>();
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
  let name = nameOfUrl.get(req.originalUrl);
  if (name === undefined) {
    name = checkFileName(req.params.name);
    nameOfUrl.set(req.originalUrl, name);
  }
  const file = await photo(name);
  res.type(name).set("Cache-Control", "public, max-age=300").send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
