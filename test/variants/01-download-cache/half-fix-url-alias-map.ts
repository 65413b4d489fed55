/**
 * half-fix. A byte-bounded LRU keyed by name, plus a second Map from the full URL to the same Buffer for a quick lookup, never trimmed when the LRU evicts: every query string adds an entry, and evicted photos stay alive through it.
 * Proof: /work/rt/i/drive.mjs (whole README traffic on my own files + 3000 hits with new query strings/User-Agents; arrayBuffers over baseline after gc): arrayBuffers 304 MiB over baseline at the end (evicted photos held by byUrl), heap 290 B/hit.
 * Check: FAIL on "file bytes kept beyond 8 MiB: 150.0 MiB" (path byUrl), "after the traffic", "state gained 20.3 KiB" and "must still do its job" (photo-3 served from a stale byUrl entry, then read from disk for ?size=large). RIGHT VERDICT
 * Blind round 19 (stop 28). Check after that stop's change: FAIL. RIGHT VERDICT.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile, checkFileName } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const photoCache = new LRUCache<string, Buffer>({ maxSize: 8 * 1024 * 1024, sizeCalculation: (f) => Math.max(f.length, 1) });
const byUrl = new Map<string, Buffer>();
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
  let file = byUrl.get(req.originalUrl);
  if (file === undefined) {
    file = await photo(name);
    byUrl.set(req.originalUrl, file); // same Buffer, no copy
  }
  res.type(name).set("Cache-Control", "public, max-age=300").send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
