/**
 * RED-TEAM VARIANT
 * half-fix (budget breach). Intent: byte-budget FIFO: evict oldest until the new file fits, then add it.
 * Actually: when a single file is larger than the whole budget, it evicts everything and is inserted anyway (loop stops at size 0).
 * Proof: after video (32 MiB) then access-log.csv (16 MiB): 16.0 MiB kept; after 2 video downloads the 32 MiB video stays cached
 * (diskReads 1 for 2 requests), i.e. 4x the 8 MiB budget. Check: PASS 8.0 MiB -> SLIPPED.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const CACHE_BUDGET = 8 * 1024 * 1024;
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;

function remember(key: string, file: Buffer) {
  // make room first, then add
  while (cachedBytes + file.length > CACHE_BUDGET && thumbnailCache.size > 0) {
    const [oldestKey, oldest] = thumbnailCache.entries().next().value!;
    thumbnailCache.delete(oldestKey);
    cachedBytes -= oldest.length;
  }
  thumbnailCache.set(key, file);
  cachedBytes += file.length;
}

app.get('/files/:name', async (req, res) => {
  const cacheKey = req.params.name;
  let file = thumbnailCache.get(cacheKey);
  if (file === undefined) {
    file = await readStoredFile(req.params.name);
    if (!thumbnailCache.has(cacheKey)) remember(cacheKey, file);
  }
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
