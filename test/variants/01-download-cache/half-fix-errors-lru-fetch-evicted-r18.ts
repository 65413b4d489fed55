/**
 * half-fix. lru-cache with maxSize 8 MiB and fetchMethod (shared reads): a read evicted while in flight rejects with 'evicted', so eight album photos fetched at once get 500s.
 * Proof: meant as an alternative; drive.mjs budget kept 8.00 MiB but did not look at statuses; the check showed the 500s.
 * Check: COULD NOT CHECK ('GET /files/album-05.jpg was answered 500 … Error: evicted'). RIGHT VERDICT (the service is broken)
 * Blind round 18 (stop 27). Check after that stop's change: COULD NOT CHECK: GET /files/album-05.jpg answered 500, "Error: evicted" at its line. RIGHT VERDICT.
 */
/**
 * Photo downloads for the gallery app. Thumbnails and originals are read from
 * the file store; popular ones are kept in memory so the disk is not read for
 * every request.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// At most 8 MiB of file bytes, counted in bytes; fetch() shares one disk read between
// clients that miss the same name at once, and forgets a read that failed.
const thumbnailCache = new LRUCache<string, Buffer>({
  maxSize: 8 * 1024 * 1024,
  sizeCalculation: (file) => Math.max(file.length, 1),
  fetchMethod: (name) => readStoredFile(name),
});

app.get('/files/:name', async (req, res, next) => {
  try {
    const file = await thumbnailCache.fetch(req.params.name);
    res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
