/**
 * half-fix. Bounded LRU, plus a linked list `lastDownload = {url, at, previous}` of every download, never trimmed: a few dozen bytes per request for ever.
 * Proof: drive.mjs phase hits (cache hits with ?t=N), 2x2000: second round +238 KiB (122 B/request) vs -23 KiB for alternative-hand-lru.ts.
 * Check: FAIL on 'names of missing photos kept' (208) and on 'memory your server's state gained' (48.7 KiB, path lastDownload). RIGHT VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: FAIL on the missing names line and the growth line. RIGHT VERDICT.
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

/** The most recent download, linked to the one before it (for the ops page). */
let lastDownload: { url: string; at: number; previous: unknown } | null = null;

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
  lastDownload = { url: req.originalUrl, at: Date.now(), previous: lastDownload };
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
