/**
 * half-fix. A byte-bounded LRU keyed by name, plus the time of every cache hit pushed on an array (for a hit-rate graph): only 8 bytes a hit, but for ever.
 * Proof: /work/rt/i/drive-keepalive.mjs: 80000 hits on one connection -> heapUsed +654 KiB (+8.4 B/hit) vs -344 KiB for the correct fix (about 1 MiB apart); 20000 hits: +152 KiB. Linear, never comes back.
 * Check: PASS: "state gained ...: yours 1.4 KiB, bar 2.0 KiB". WRONG VERDICT
 * Blind round 19 (stop 28).
 * Stop 28: 400 hits and a bar of 1.5 KiB on the state line (correct fixes read about 300 B): FAIL there. RIGHT VERDICT
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile, checkFileName } from '#service/storage';
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

const hitTimes: number[] = [];

app.get("/files/:name", async (req, res) => {
  const name = checkFileName(req.params.name);
  if (photoCache.has(name)) hitTimes.push(Date.now());
  const file = await photo(name);
  res.type(name).set("Cache-Control", "public, max-age=300").send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
