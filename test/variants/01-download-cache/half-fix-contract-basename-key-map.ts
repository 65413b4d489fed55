/**
 * half-fix. Bounded byte LRU keyed by path.posix.basename(req.params.name) "the file's own name". The read refuses a
 * name with a path, but a cache hit never reaches the read: once photo-1.jpg is cached, sub%2Fphoto-1.jpg, ..%2Fphoto-1.jpg
 * and .%2Fphoto-1.jpg are answered 200 with photo-1's bytes: "a name with a path in it is still refused" broken.
 * Proof: /work/rt/f/drive.mjs names: "sub%2Fphoto-1.jpg -> 200 2097152 (photo-1 bytes)", "..%2Fphoto-1.jpg -> 200",
 *   ".%2Fphoto-1.jpg -> 200"; the original answers 400 to all three.
 * Check: PASS on all five lines (its refused names are never the path of a cached photo). WRONG VERDICT
 * Blind round 17 (stop 27). Check after that stop's change: FAIL on the contract (names with a path asked for once photo-3.jpg is cached). RIGHT VERDICT.
 */
import path from 'node:path';
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
  // One entry per file: the key is the file's own name, without query string or folder.
  const cacheKey = path.posix.basename(req.params.name);
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
