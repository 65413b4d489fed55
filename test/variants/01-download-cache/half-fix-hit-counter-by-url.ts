/**
 * half-fix. Byte-bounded LRU keyed by name (correct), plus download statistics for the ops page in app.locals, counted
 * per req.originalUrl: every new query string (?t=…, ?v=…) adds a key to that object for ever, the old leak in small.
 * Proof: /work/rt/e/drive.mjs head:4000 snap x2: +4027 strings (220 KiB) and +4029 objects (157 KiB) per 4000 hits with new ?t= query strings; miss:2000 adds 2002 'nope-' URL strings. Never released.
 * Check: FAIL on 'names of missing photos kept after the traffic: yours 200, bar 32' (path app -> .locals.downloads). The hits line stayed ✓ (448 B): it was caught through its 404s only. RIGHT VERDICT
 */
import express from 'express';
import { checkFileName, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const BUDGET = 8 * 1024 * 1024;
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;

function remember(name: string, file: Buffer): void {
  if (file.length > BUDGET) return;
  const old = thumbnailCache.get(name);
  if (old !== undefined) {
    thumbnailCache.delete(name);
    cachedBytes -= old.length;
  }
  for (const [key, value] of thumbnailCache) {
    if (cachedBytes + file.length <= BUDGET) break;
    thumbnailCache.delete(key);
    cachedBytes -= value.length;
  }
  thumbnailCache.set(name, file);
  cachedBytes += file.length;
}

// Which downloads come from memory and which from disk, for the ops dashboard.
app.locals.downloads = {} as Record<string, { hits: number; misses: number }>;

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const stats = (app.locals.downloads[req.originalUrl] ??= { hits: 0, misses: 0 });
  let file = thumbnailCache.get(name);
  if (file !== undefined) {
    stats.hits += 1;
    thumbnailCache.delete(name);
    thumbnailCache.set(name, file);
  } else {
    stats.misses += 1;
    file = await readStoredFile(name);
    remember(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
