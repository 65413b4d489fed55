/**
 * alternative. Hand-written byte-counted LRU keyed by name (evicts after the read until the file fits, refuses files over
 * 8 MiB), plus an access log of the last 100 requests (URL, status) in a fixed ring buffer, 404s included: bounded state.
 * Proof: /work/rt/e/drive.mjs checkflow gallery twice exact traversal miss:2000 head:4000 abortbefore abortmid dupconc + snaps: external returns to 8 MiB, 'nope-' strings 102 after 2000 misses (the 100-slot ring) then 2 after hits; no growth.
 * Check: PASS: all lines ✓ (names of missing 0: the 200 later hits pushed the 404s out of the ring). RIGHT VERDICT
 */
import express from 'express';
import { checkFileName, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const BUDGET = 8 * 1024 * 1024;
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;

function remember(name: string, file: Buffer): void {
  if (file.length > BUDGET) return;
  const old = thumbnailCache.get(name);
  if (old !== undefined) {
    thumbnailCache.delete(name);
    cachedBytes -= old.length;
  }
  for (const [key, value] of thumbnailCache) {
    if (cachedBytes + file.length <= BUDGET) break;
    thumbnailCache.delete(key);
    cachedBytes -= value.length;
  }
  thumbnailCache.set(name, file);
  cachedBytes += file.length;
}

// The last 100 requests, for the ops page: a fixed ring, the oldest overwritten.
const LOG_SIZE = 100;
const accessLog: ({ url: string; status: number } | undefined)[] = new Array(LOG_SIZE).fill(undefined);
let logNext = 0;
app.use((req, res, next) => {
  res.on('close', () => {
    accessLog[logNext] = { url: req.originalUrl, status: res.statusCode };
    logNext = (logNext + 1) % LOG_SIZE;
  });
  next();
});

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
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
