/**
 * half-fix. A byte-bounded LRU keyed by name, plus download counts per User-Agent kept in app.locals: every new app version, device or crawler adds an entry for ever.
 * Proof: /work/rt/i/drive-keepalive.mjs UNIQUE=1: 10000 hits with new User-Agents -> heapUsed +654 KiB (67 B/hit; correct fix +84.5 KiB).
 * Check: FAIL on "state gained 16.3 KiB" (path app -> .locals.downloadsByAgent). RIGHT VERDICT
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
app.locals.downloadsByAgent = new Map<string, number>();

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
  const byAgent: Map<string, number> = req.app.locals.downloadsByAgent;
  const agent = req.get("user-agent") ?? "unknown";
  byAgent.set(agent, (byAgent.get(agent) ?? 0) + 1);
  res.type(name).set("Cache-Control", "public, max-age=300").send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
