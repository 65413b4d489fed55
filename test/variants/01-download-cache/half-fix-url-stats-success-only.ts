/**
 * half-fix. Byte-bounded LRU keyed by name (correct), plus per-URL download statistics in app.locals, recorded only for
 * downloads that succeed (so broken links are not counted): every new query string (?t=…, ?v=…) on a photo that exists
 * adds a key to that object for ever, on hits as on misses: the original leak in small.
 * Proof: /work/rt/e/drive.mjs head:4000 snap x2: +4027 strings (220 KiB) +4029 objects (157 KiB) + array 193 KiB per 4000 hits with fresh query strings, for ever; miss:2000 adds nothing (404s not recorded).
 * Check: PASS: all lines ✓, 'memory your server's state gained over 200 more cache hits: yours 448 B, bar 2.0 KiB' (the check's extra hits seem to reuse URLs). WRONG VERDICT
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
  const stats = { hits: 0, misses: 0 };
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
  const known = (app.locals.downloads[req.originalUrl] ??= { hits: 0, misses: 0 });
  known.hits += stats.hits;
  known.misses += stats.misses;
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
