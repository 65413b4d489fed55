/**
 * half-fix. Correct byte LRU plus a "heads" Map of file.subarray(0, 512) per name to sniff the type: each 512-byte view
 * keeps its whole file's ArrayBuffer alive, so every file ever served (video, logs, album) stays.
 * Proof: /work/rt/f/drive.mjs basic: arrayBuffers after gc +8.00 -> 26.52 (thumbs, panoramas) -> 90.52 (album) -> 154.52 MiB
 *   (large files), never back.
 * Check: FAIL on lines 1 and 2 (146.5 MiB; path "heads module variable :42 -> Map -> Buffer -> ArrayBuffer 32 MiB"). RIGHT VERDICT
 * Blind round 17 (stop 27). Check after that stop's change: FAIL on the budget line and the file bytes line. RIGHT VERDICT.
 */
import { detectFileType, SNIFF_BYTES } from '#service/file-types';
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const MAX_BYTES = 8 * 1024 * 1024;
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;

function cacheGet(key: string): Buffer | undefined {
  const file = thumbnailCache.get(key);
  if (file !== undefined) {
    thumbnailCache.delete(key);
    thumbnailCache.set(key, file);
  }
  return file;
}

function cacheSet(key: string, file: Buffer): void {
  const old = thumbnailCache.get(key);
  if (old !== undefined) {
    thumbnailCache.delete(key);
    cachedBytes -= old.length;
  }
  if (file.length > MAX_BYTES) return;
  for (const [oldestKey, oldest] of thumbnailCache) {
    if (cachedBytes + file.length <= MAX_BYTES) break;
    thumbnailCache.delete(oldestKey);
    cachedBytes -= oldest.length;
  }
  thumbnailCache.set(key, file);
  cachedBytes += file.length;
}

// The first bytes of every file served, to tell its real type without the disk (a few hundred bytes each).
const heads = new Map<string, Buffer>();

app.get('/files/:name', async (req, res) => {
  const name = req.params.name;
  let file = cacheGet(name);
  if (file === undefined) {
    file = await readStoredFile(name);
    cacheSet(name, file);
    heads.set(name, file.subarray(0, SNIFF_BYTES));
  }
  const sniffed = detectFileType(heads.get(name)!);
  res.type(sniffed === 'application/octet-stream' ? name : sniffed).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
