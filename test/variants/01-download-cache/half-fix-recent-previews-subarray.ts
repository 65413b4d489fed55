/**
 * half-fix. A byte-bounded LRU keyed by name, plus the last 64 downloads kept for an admin page with a 512-byte preview each, taken with subarray(): a 512-byte view keeps the whole file it was cut from, so up to 64 evicted photos (128 MiB) stay alive.
 * Proof: /work/rt/i/drive.mjs (whole README traffic on my own files + 3000 hits with new query strings/User-Agents; arrayBuffers over baseline after gc): arrayBuffers 233 MiB over baseline (64 512-byte views keep 64 whole files), back to 7.5 MiB only when the last 64 requests are cached thumbnails.
 * Check: FAIL on "file bytes kept beyond the cache's 8 MiB: 202.5 MiB" and "state gained 9.4 KiB" (on a 64-entry array that cannot grow). RIGHT VERDICT
 * Blind round 19 (stop 28). Check after that stop's change: FAIL. RIGHT VERDICT.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile, checkFileName } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const photoCache = new LRUCache<string, Buffer>({ maxSize: 8 * 1024 * 1024, sizeCalculation: (f) => Math.max(f.length, 1) });
const recent: { name: string; at: number; preview: Buffer }[] = [];
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
  recent.push({ name, at: Date.now(), preview: file.subarray(0, 512) });
  if (recent.length > 64) recent.shift();
  res.type(name).set("Cache-Control", "public, max-age=300").send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
