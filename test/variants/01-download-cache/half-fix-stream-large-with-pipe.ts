/**
 * half-fix. Caches small files in a correct byte LRU and streams files over 4 MiB with stream.pipe(res). When a client
 * hangs up (mid-transfer or before the first byte), pipe() only unpipes: the file stream is never destroyed, so its file
 * descriptor and buffered chunk stay open for ever (openStoredFile says the caller must end it).
 * Proof: /work/rt/f/drive.mjs hit,abortmid,abortearly: 20 video + 20 log downloads cut after 200 KB / 100 B: open fds
 *   29 -> 69; 20 more video downloads cut before the first byte: 69 -> 89; still 89 at the end (one fd per hang-up, never
 *   closed; a long run hits EMFILE).
 * Check: PASS on all five lines (no client of the check hangs up). WRONG VERDICT
 * Blind round 17 (stop 27). Check after that stop's change: FAIL on the file descriptors line (log downloads cut off mid-transfer and at each await). RIGHT VERDICT.
 */
import express from 'express';
import { openStoredFile, readStoredFile, storedFileSize } from '#service/storage';
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
  const name = req.params.name;
  let file = cacheGet(name);
  if (file === undefined) {
    // Files too big for the cache are streamed, never held whole in memory.
    if ((await storedFileSize(name)) > MAX_BYTES / 2) {
      const stream = await openStoredFile(name);
      res.type(name).set('Cache-Control', 'public, max-age=300');
      stream.pipe(res);
      return;
    }
    file = await readStoredFile(name);
    cacheSet(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
