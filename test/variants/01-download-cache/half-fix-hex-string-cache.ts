/**
 * half-fix. A byte LRU that stores each photo as a hex string (immutable) and counts the budget in file bytes
 * (hex.length / 2): every cached byte takes two, so the "8 MiB" cache holds 16 MiB (4 MiB strings outside the heap, the
 * 600 KB thumbnail strings inside it).
 * Proof: /work/rt/f/drive.mjs basic: after gc, external +16.00 MiB from the gallery to the large files (budget 8), and
 *   external +8.00 + heapUsed +7.66 MiB once thumbnails are in; responses byte-exact, hits 0 disk reads.
 * Check: PASS; line 1 "yours 7.4 KiB", line 2 "file bytes kept after the traffic yours 0 B" (a cache full of file bytes
 *   reads as empty). WRONG VERDICT
 * Blind round 17 (stop 27). Check after that stop's change: FAIL on the budget line (external strings and the heap's large objects counted). RIGHT VERDICT.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// The cache keeps immutable strings, so no request can scribble on a cached Buffer.
const MAX_BYTES = 8 * 1024 * 1024;
const thumbnailCache = new Map<string, string>();
let cachedBytes = 0;
const bytesOf = (hex: string) => hex.length / 2;

function remember(name: string, file: Buffer): void {
  if (file.length > MAX_BYTES || thumbnailCache.has(name)) return;
  for (const [oldestName, oldest] of thumbnailCache) {
    if (cachedBytes + file.length <= MAX_BYTES) break;
    thumbnailCache.delete(oldestName);
    cachedBytes -= bytesOf(oldest);
  }
  thumbnailCache.set(name, file.toString('hex'));
  cachedBytes += file.length;
}

app.get('/files/:name', async (req, res) => {
  const name = req.params.name;
  const hex = thumbnailCache.get(name);
  let file: Buffer;
  if (hex !== undefined) {
    thumbnailCache.delete(name);
    thumbnailCache.set(name, hex);
    file = Buffer.from(hex, 'hex');
  } else {
    file = await readStoredFile(name);
    remember(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
