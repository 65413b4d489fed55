/**
 * half-fix. A byte-bounded LRU keyed by name; each cached photo also gets an unref()'d 5-minute expiry timer whose closure holds the file, never cleared on eviction: evicted photos stay alive for 5 minutes, and timers pile up.
 * Proof: /work/rt/i/drive.mjs (whole README traffic on my own files + 3000 hits with new query strings/User-Agents; arrayBuffers over baseline after gc): arrayBuffers 313.8 MiB over baseline at the end (evicted files held by timer closures for 5 min).
 * Check: FAIL on "beyond 8 MiB: 273.6 MiB", "after the traffic" (path ._onTimeout -> closure -> file) and "timers: 117". RIGHT VERDICT
 * Blind round 19 (stop 28). Check after that stop's change: FAIL. RIGHT VERDICT.
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
    pending = readStoredFile(name)
      .then((file) => {
        photoCache.set(name, file);
        setTimeout(() => { if (photoCache.peek(name) === file) photoCache.delete(name); }, 5 * 60_000).unref();
        return file;
      })
      .finally(() => reading.delete(name));
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
