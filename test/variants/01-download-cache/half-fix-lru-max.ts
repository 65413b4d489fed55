/**
 * RED-TEAM VARIANT
 * half-fix (budget breach). Intent: use lru-cache with max: 4 (8 MiB / 2 MiB).
 * Actually: lru-cache `max` counts entries; no maxSize/sizeCalculation, so bigger files blow the 8 MiB budget.
 * Proof: after video+2 logs: 66.0 MiB kept, 2 video downloads read disk 0 times. Check: PASS 8.0 MiB -> SLIPPED.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// lru-cache: 8 MiB / 2 MiB per photo = 4 entries.
const thumbnailCache = new LRUCache<string, Buffer>({ max: 4 });

app.get('/files/:name', async (req, res) => {
  const cacheKey = req.params.name;
  let file = thumbnailCache.get(cacheKey);
  if (file === undefined) {
    file = await readStoredFile(req.params.name);
    thumbnailCache.set(cacheKey, file);
  }
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
