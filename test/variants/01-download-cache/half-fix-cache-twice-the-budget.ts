/**
 * Scenario 01, half fixed: the cache is keyed by the photo's name and bounded
 * by bytes, but at 16 MiB, twice the container's budget of 8 MiB ("the
 * gallery fits twice over"). Every photo asked for again still comes from
 * memory; the cache just keeps twice what it may. Must fail on memory.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile } from '#service/storage';
import { answerErrors } from '#service/http-errors';

const app = express();

const thumbnailCache = new LRUCache<string, Buffer>({
  maxSize: 16 * 1024 * 1024,
  sizeCalculation: (file) => file.length,
});

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
