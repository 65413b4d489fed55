/**
 * half-fix. A byte LRU whose set() adds the file's size even when the name is already there (two clients missed it at
 * once): the counter drifts above what the Map holds and never comes back, so the cache shrinks to about one photo and
 * stops saving reads: "a photo asked for a second time must still come from memory" broken.
 * Proof: /work/rt/f/drive.mjs scrollhit,dupok,scrollhit: 12 thumbnails (3.5 MiB) scrolled 4 times: 0 of 48 from disk; after
 *   6 clients at once per album photo, the same scroll: 48 of 48 from disk; the cache holds 1.76 MiB (budget 8 MiB).
 * Check: PASS; line 2 shows the shrink ("yours 3.5 MiB", fixed 7.5 MiB) but nothing fails. WRONG VERDICT
 * Blind round 17 (stop 27). Check after that stop's change: FAIL on the contract (overlapping misses of one photo, then the thumbnails twice: read from disk the second time). RIGHT VERDICT.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const MAX_BYTES = 8 * 1024 * 1024;
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;

function remember(name: string, file: Buffer): void {
  for (const [oldestName, oldest] of thumbnailCache) {
    if (cachedBytes + file.length <= MAX_BYTES) break;
    thumbnailCache.delete(oldestName);
    cachedBytes -= oldest.length;
  }
  if (cachedBytes + file.length > MAX_BYTES) return; // too big for the budget
  thumbnailCache.set(name, file);
  cachedBytes += file.length;
}

app.get('/files/:name', async (req, res) => {
  const name = req.params.name;
  let file = thumbnailCache.get(name);
  if (file === undefined) {
    file = await readStoredFile(name);
    remember(name, file);
  } else {
    thumbnailCache.delete(name);
    thumbnailCache.set(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
