/**
 * half-fix. Bounded LRU for GET, plus app.head() answering from a Map of sizes keyed by req.originalUrl: every HEAD with a new query string adds an entry for ever.
 * Proof: drive.mjs phase head (HEAD /files/photo-N.jpg?t=i), 2x1500: second round +249 KiB (170 B/request) vs -22 KiB control; heap snapshot 900 '?t=N' strings vs 0.
 * Check: PASS, every line (state line 0 B). WRONG VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: FAIL on the growth line (4.8 KiB: one hit in four is a HEAD with a cache-buster). RIGHT VERDICT.
 */
/**
 * Photo downloads for the gallery app. Thumbnails and originals are read from
 * the file store; popular ones are kept in memory so the disk is not read for
 * every request.
 */
import express from 'express';
import { readStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const BUDGET = 8 * 1024 * 1024;
// A Map keeps insertion order: re-inserting on a hit makes the first entry the least recently used.
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;

/** Sizes for HEAD requests, which need no body: no disk read, no cache slot. */
const headSizes = new Map<string, number>();

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

app.head('/files/:name', async (req, res) => {
  let size = headSizes.get(req.originalUrl);
  if (size === undefined) {
    size = (await storedFileSize(req.params.name));
    headSizes.set(req.originalUrl, size);
  }
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').set('Content-Length', String(size)).end();
});

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
