/**
 * half-fix. A correct 8 MiB byte LRU keyed by name plus a map of reads in progress (so concurrent misses read once) that is cleared only when the read succeeds: every 404 leaves its name, rejected promise and FileNotFoundError in the map forever.
 * Proof: /work/rt/a/d01-missing.mjs: heapUsed +2.9, +4.7, +5.6, +7.1 MiB after 4000/8000/12000/16000 missing names (~0.4 KiB per name) vs ~+0.9 MiB flat for alternative-lru-cache. File memory stays at 8 MiB (d01.mjs).
 * Check: FAIL on "names of missing photos kept after the traffic" (yours 400, path reading:15 -> Promise -> FileNotFoundError .message). RIGHT VERDICT
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const CACHE_BUDGET = 8 * 1024 * 1024;
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;
/** Reads in progress, so eight browsers asking for the same photo read it once. */
const reading = new Map<string, Promise<Buffer>>();

function remember(key: string, file: Buffer): void {
  if (file.length > CACHE_BUDGET || thumbnailCache.has(key)) return;
  for (const [oldKey, old] of thumbnailCache) {
    if (cachedBytes + file.length <= CACHE_BUDGET) break;
    thumbnailCache.delete(oldKey);
    cachedBytes -= old.length;
  }
  thumbnailCache.set(key, file);
  cachedBytes += file.length;
}

app.get('/files/:name', async (req, res) => {
  const cacheKey = req.params.name;
  let file = thumbnailCache.get(cacheKey);
  if (file !== undefined) {
    thumbnailCache.delete(cacheKey);
    thumbnailCache.set(cacheKey, file);
  } else {
    let pending = reading.get(cacheKey);
    if (!pending) {
      pending = readStoredFile(req.params.name);
      reading.set(cacheKey, pending);
      pending.then((read) => {
        remember(cacheKey, read);
        reading.delete(cacheKey);
      }, () => {});
    }
    file = await pending;
  }
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
