/**
 * half-fix. The hand-written LRU with BUDGET = 9 MiB ('8 MiB plus headroom'): keeps up to 9 MiB, over the README's 'at most 8 MiB'.
 * Proof: /work/rt/g/nine.mjs: photo-1..4 then thumb-01..03 -> arrayBuffers after gc +8.88 MiB vs +6.88 MiB for alternative-hand-lru.ts. The check-like traffic of drive.mjs budget never goes over 8.00 MiB.
 * Check: PASS (budget line 7.4 KiB, same as fixed). WRONG VERDICT (minor: under the 1 MiB bar the README states)
 * Blind round 18 (stop 27). Check after that stop's change: FAIL on the budget line (907 KiB beyond, read highest after the first thumbnails; the bar is a quarter of a photo since). RIGHT VERDICT.
 */
/**
 * Photo downloads for the gallery app. Thumbnails and originals are read from
 * the file store; popular ones are kept in memory so the disk is not read for
 * every request.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const BUDGET = 9 * 1024 * 1024; // 8 MiB of photos, plus a little headroom
// A Map keeps insertion order: re-inserting on a hit makes the first entry the least recently used.
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;

function remember(name: string, file: Buffer): void {
  const old = thumbnailCache.get(name);
  if (old !== undefined) {
    thumbnailCache.delete(name);
    cachedBytes -= old.length;
  }
  if (file.length > BUDGET) return;
  while (cachedBytes + file.length > BUDGET) {
    const [oldestName, oldest] = thumbnailCache.entries().next().value!;
    thumbnailCache.delete(oldestName);
    cachedBytes -= oldest.length;
  }
  thumbnailCache.set(name, file);
  cachedBytes += file.length;
}

app.get('/files/:name', async (req, res) => {
  const name = req.params.name;
  let file = thumbnailCache.get(name);
  if (file !== undefined) {
    thumbnailCache.delete(name);
    thumbnailCache.set(name, file);
  } else {
    file = await readStoredFile(name);
    remember(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
