/**
 * half-fix. Byte LRU keyed by name + ?v= ("v asks for a fresh copy"): each new ?v= reads the disk again and adds an
 * entry, though the README says any query string must hit the cache.
 * Proof: /work/rt/f/drive.mjs vhit: 4 photos asked as ?v=1, ?v=2, ?v=3&size=large: 12 disk reads for 12 requests
 *   (the correct fixes: 4).
 * Check: FAIL on line 5 (5.0 KiB, thumbnailCache :12) and "the service must still do its job: photo-3.jpg ... read from disk
 *   again when asked for as ?v=...". RIGHT VERDICT
 * Blind round 17 (stop 27). Check after that stop's change: FAIL on the growth line and the contract. RIGHT VERDICT.
 * Stop 28: its memory is within the budget (every key leaves with its file); the growth line read the thumbnails'
 *   entries that replaced the photos' (more files in the same bytes), which it no longer counts as state: FAIL on the
 *   contract alone (photo-3.jpg read from disk again when asked for with a new ?v=). RIGHT VERDICT.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const MAX_BYTES = 8 * 1024 * 1024;
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;

function cacheGet(key: string): Buffer | undefined {
  const file = thumbnailCache.get(key);
  if (file !== undefined) {
    thumbnailCache.delete(key);
    thumbnailCache.set(key, file);
  }
  return file;
}

function cacheSet(key: string, file: Buffer): void {
  const old = thumbnailCache.get(key);
  if (old !== undefined) {
    thumbnailCache.delete(key);
    cachedBytes -= old.length;
  }
  if (file.length > MAX_BYTES) return;
  for (const [oldestKey, oldest] of thumbnailCache) {
    if (cachedBytes + file.length <= MAX_BYTES) break;
    thumbnailCache.delete(oldestKey);
    cachedBytes -= oldest.length;
  }
  thumbnailCache.set(key, file);
  cachedBytes += file.length;
}

app.get('/files/:name', async (req, res) => {
  // ?size= and ?t= change nothing, but ?v= asks for a fresh copy after an edit: it is part of the key.
  const version = typeof req.query.v === 'string' ? req.query.v : '';
  const cacheKey = `${req.params.name}@${version}`;
  let file = cacheGet(cacheKey);
  if (file === undefined) {
    file = await readStoredFile(req.params.name);
    cacheSet(cacheKey, file);
  }
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
