/**
 * half-fix. lru-cache bounded at 8 MiB by bytes; the key is path.basename() of the requested name "so that odd URLs
 * share one entry", looked up before the store checks the name. A name with a path in it ("../photo-1.jpg",
 * "x/photo-1.jpg") is then answered 200 from the cache instead of 400 once photo-1.jpg is cached.
 * Proof: /work/rt/e/drive.mjs traversal: after the gallery is cached, /files/..%2Fphoto-1.jpg, /files/sub%2Fphoto-1.jpg, /files/%2Fphoto-1.jpg and /files/photo-1.jpg%2F all answer 200 with the photo (every correct fix answers 400).
 * Check: PASS: all lines ✓; nothing in the output mentions names with a path (whatever it sends, it never sends one whose basename is cached). WRONG VERDICT
 * Check (stop 27): FAIL on the contract: 'GET /files/..%2fphoto-3.jpg answered 200 with photo-3.jpg, which is cached' (the contract asks for names with a path once photo-3.jpg is cached). RIGHT VERDICT.
 * Was an open hole (round 16): a name with a path in it is served from the cache once its basename is cached; the check asks
 * for names with a path only before the file they name is cached (and for names of files it never caches). Catching
 * it: ask for /files/..%2Fphoto-1.jpg once photo-1.jpg is cached, expecting 400.
 */
import express from 'express';
import path from 'node:path';
import { LRUCache } from 'lru-cache';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const thumbnailCache = new LRUCache<string, Buffer>({
  maxSize: 8 * 1024 * 1024,
  sizeCalculation: (file) => Math.max(file.length, 1),
});

app.get('/files/:name', async (req, res) => {
  const cacheKey = path.basename(req.params.name);
  let file = thumbnailCache.get(cacheKey);
  if (file === undefined) {
    file = await readStoredFile(req.params.name);
    thumbnailCache.set(cacheKey, file);
  }
  res.type(cacheKey).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
