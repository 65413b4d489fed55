/**
 * half-fix. Bounded LRU, plus a plain object of miss counts keyed by a numeric hash of each missing name (no strings kept): a property per broken link for ever.
 * Proof: drive.mjs phase missing (gone-N.jpg), 2x1000: second round +233 KiB (239 B/request) vs +157 KiB control.
 * Check: FAIL on 'memory your server's state gained' (6.8 KiB, path missesByHash). RIGHT VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: FAIL on the growth line (6.8 KiB). RIGHT VERDICT.
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

const BUDGET = 8 * 1024 * 1024;
// A Map keeps insertion order: re-inserting on a hit makes the first entry the least recently used.
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;

/** How often each missing photo was asked for, by a hash of its name (no strings kept). */
const missesByHash: Record<number, number> = {};
function hashName(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return h;
}

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
    try {
      file = await readStoredFile(name);
    } catch (error) {
      if ((error as { status?: number }).status === 404) {
        const h = hashName(name);
        missesByHash[h] = (missesByHash[h] ?? 0) + 1;
      }
      throw error;
    }
    remember(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
