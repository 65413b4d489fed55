/**
 * alternative. A Map with a byte count that empties itself whenever a new file would not fit (no eviction order at all).
 * Proof: drive.mjs verify all ok; budget worst 8.00 MiB over the check-like traffic.
 * Check: PASS (state line 256 B). RIGHT VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: PASS. RIGHT VERDICT.
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
// No eviction order at all: when a file does not fit, start over with an empty cache.
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;

function keep(name: string, file: Buffer): void {
  if (file.length > BUDGET) return;
  const old = thumbnailCache.get(name);
  if (old !== undefined) cachedBytes -= old.length;
  if (cachedBytes + file.length > BUDGET) {
    thumbnailCache.clear();
    cachedBytes = 0;
  }
  thumbnailCache.set(name, file);
  cachedBytes += file.length;
}

app.get('/files/:name', async (req, res) => {
  const name = req.params.name;
  let file = thumbnailCache.get(name);
  if (file === undefined) {
    file = await readStoredFile(name);
    keep(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
