/**
 * RED-TEAM VARIANT
 * alternative (correct). lru-cache with maxSize 8 MiB + sizeCalculation by bytes; keyed by name; larger files not cached.
 * Proof: 8.0 MiB after photos, after album, after video+logs; 2 requests for same photo (query strings differ) -> 1 disk read;
 * byte-exact, 404, 400. Check: PASS 8.0 MiB quiet.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const thumbnailCache = new LRUCache<string, Buffer>({
  maxSize: 8 * 1024 * 1024,
  sizeCalculation: (file) => file.length, // bytes, not entries; larger files are simply not cached (maxEntrySize defaults to maxSize)
});

app.get('/files/:name', async (req, res) => {
  const cacheKey = req.params.name;
  let file = thumbnailCache.get(cacheKey);
  if (file === undefined) {
    file = await readStoredFile(cacheKey);
    thumbnailCache.set(cacheKey, file);
  }
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
