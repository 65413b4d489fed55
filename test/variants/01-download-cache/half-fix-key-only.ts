/**
 * RED-TEAM VARIANT
 * half-fix (still leaks). Intent: the leak comes from query strings, so key the cache by req.params.name.
 * Actually: the Map is still unbounded; every distinct photo stays forever.
 * Proof (variants/_probe/p01.ts, arrayBuffers after GC): 4 photos x24 with query strings 8.0 MiB; + album of 32 -> 72.0 MiB;
 * + video-1.mp4/access.log/access-log.csv -> 136.0 MiB (budget 8 MiB). Check: FAIL 64.0 MiB (caught).
 * The same code (comments aside) was also written, blind, as half-fix-key-only-r14.ts; it is checked once, here. Its notes:
 *   half-fix. Keys the cache by req.params.name so query strings hit it, but never bounds it: every distinct file ever served (thumbnails, panoramas, album, logs, video) stays in memory.
 *   Proof: /work/rt/a/d01.mjs (README traffic in phases, gc, process.memoryUsage): arrayBuffers +8.05 MiB after the gallery, +90.6 after the album, +154.6 MiB after logs+video, never back; query-string repeats did 0 disk reads.
 *   Check: FAIL on "Buffer bytes kept beyond the cache's 8 MiB" (yours 146.5 MiB) and "file bytes kept" (path thumbnailCache:11 -> Map -> Buffer 32 MiB). RIGHT VERDICT
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const thumbnailCache = new Map<string, Buffer>();

app.get('/files/:name', async (req, res) => {
  const cacheKey = req.params.name; // ignore ?v= / ?t= query strings
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
