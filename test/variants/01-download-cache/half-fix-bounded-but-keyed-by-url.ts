/**
 * Scenario 01, half fixed: the cache is bounded to its 8 MiB budget, but still
 * keyed by the full URL. Memory stays within the budget; but every query
 * string the app adds (`?size=large`, `?v=…`) is a new key, so a photo asked
 * for again with another one is read from disk again, and the cache saves
 * almost nothing. Must fail the contract; it fails the growth line too (since stop 27): each
 * cache-busted hit is a new entry, and the cache ends holding more, smaller ones.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile } from '#service/storage';
import { answerErrors } from '#service/http-errors';

const app = express();

const thumbnailCache = new LRUCache<string, Buffer>({
  maxSize: 8 * 1024 * 1024,
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
