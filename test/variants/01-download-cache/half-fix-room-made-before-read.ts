/**
 * half-fix. Byte LRU that stats the file and evicts to make room before the read, then adds the file after it:
 * eight misses at once all see the same free room, and all eight go in.
 * Proof: /work/rt/f/drive.mjs albumbatch: after the gallery, album batches of 8 at once: arrayBuffers after gc +22.00,
 *   then +20.00 MiB (budget 8 MiB).
 * Check: FAIL on line 1 "yours 12.0 MiB". RIGHT VERDICT
 * Blind round 17 (stop 27). Check after that stop's change: FAIL on the budget line (read highest after the album). RIGHT VERDICT.
 */
import express from 'express';
import { readStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const MAX_BYTES = 8 * 1024 * 1024;
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;

/** Evict the oldest photos until `size` more bytes fit. */
function makeRoom(size: number): void {
  for (const [oldestName, oldest] of thumbnailCache) {
    if (cachedBytes + size <= MAX_BYTES) break;
    thumbnailCache.delete(oldestName);
    cachedBytes -= oldest.length;
  }
}

app.get('/files/:name', async (req, res) => {
  const name = req.params.name;
  let file = thumbnailCache.get(name);
  if (file === undefined) {
    const size = await storedFileSize(name);
    const cacheable = size <= MAX_BYTES;
    if (cacheable) makeRoom(size); // room first, then the read
    file = await readStoredFile(name);
    if (cacheable) {
      thumbnailCache.set(name, file);
      cachedBytes += file.length;
    }
  } else {
    thumbnailCache.delete(name);
    thumbnailCache.set(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
