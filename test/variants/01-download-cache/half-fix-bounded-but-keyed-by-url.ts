/**
 * Scenario 01, half fixed: the cache is bounded by bytes, but still keyed by
 * the full URL, so every cache-busting query string stores the file again
 * until the bound is reached. Must fail.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile } from '#service/storage';
import { answerErrors } from '#service/http-errors';

const app = express();

const thumbnailCache = new LRUCache<string, Buffer>({
  maxSize: 64 * 1024 * 1024,
  sizeCalculation: (file) => file.length,
});

app.get('/files/:name', async (req, res) => {
  const cacheKey = req.originalUrl;
  let file = thumbnailCache.get(cacheKey);
  if (file === undefined) {
    file = await readStoredFile(req.params.name);
    thumbnailCache.set(cacheKey, file);
  }
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;
