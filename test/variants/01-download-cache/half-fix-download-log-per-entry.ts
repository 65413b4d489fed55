/**
 * half-fix. A byte-bounded LRU of 8 MiB keyed by name, but each cached entry keeps a record of every download (User-Agent, query string, time) beside the file: it grows at every hit while the files stay within the budget.
 * Proof: /work/rt/i/drive-keepalive.mjs: 10000 hits on cached thumbnails -> heapUsed +779 KiB (80 B/hit; the correct fix: -62 KiB over 20000). /work/rt/i/drive.mjs (whole README traffic on my own files + 3000 hits with new query strings/User-Agents; arrayBuffers over baseline after gc): 343 B/hit vs ~200 baseline; bytes stay at 8 MiB.
 * Check: FAIL on "memory your server's state gained ...: yours 40.1 KiB, bar 2.0 KiB" (path photoCache -> d -> a 32-byte key string: points at lru-cache internals, not the downloads array). RIGHT VERDICT
 * Blind round 19 (stop 28). Check after that stop's change: FAIL. RIGHT VERDICT.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile, checkFileName } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

interface Entry { file: Buffer; downloads: { agent: string; query: string; at: number }[] }
const photoCache = new LRUCache<string, Entry>({ maxSize: 8 * 1024 * 1024, sizeCalculation: (e) => Math.max(e.file.length, 1) });
const reading = new Map<string, Promise<Entry>>();

async function photo(name: string): Promise<Entry> {
  const cached = photoCache.get(name);
  if (cached !== undefined) return cached;
  let pending = reading.get(name);
  if (pending === undefined) {
    pending = readStoredFile(name)
      .then((file) => { const entry: Entry = { file, downloads: [] }; photoCache.set(name, entry); return entry; })
      .finally(() => reading.delete(name));
    reading.set(name, pending);
  }
  return pending;
}

app.get("/files/:name", async (req, res) => {
  const name = checkFileName(req.params.name);
  const entry = await photo(name);
  // who downloaded it, for the popularity dashboard
  entry.downloads.push({ agent: String(req.headers["user-agent"]), query: req.originalUrl.slice(req.path.length), at: Date.now() });
  res.type(name).set("Cache-Control", "public, max-age=300").send(entry.file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
