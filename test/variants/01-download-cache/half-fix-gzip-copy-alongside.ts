/**
 * half-fix. A byte LRU whose entries keep the photo plain and gzipped (for clients that accept gzip), counting only the
 * plain bytes: the photos are incompressible, so the "8 MiB" cache holds 16 MiB of Buffers.
 * Proof: /work/rt/f/drive.mjs basic: arrayBuffers after gc +16.00 MiB after the gallery, the hits, the album and the large
 *   files; +15.03 MiB at the end (budget 8 MiB); downloads byte-exact.
 * Check: PASS; line 1 "yours 7.4 KiB"; line 2 "yours 15.0 MiB ... Close to the bar" (bar 20 MiB). WRONG VERDICT
 * Blind round 17 (stop 27). Check after that stop's change: FAIL on the budget line (weighed from an empty cache, each copy counted). RIGHT VERDICT.
 */
import { gzipSync } from 'node:zlib';
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// Each cached photo is kept as sent plain and gzipped, for the clients that accept gzip; the budget counts the photo.
const MAX_BYTES = 8 * 1024 * 1024;
const thumbnailCache = new Map<string, { plain: Buffer; gzipped: Buffer }>();
let cachedBytes = 0;

function remember(name: string, plain: Buffer) {
  const entry = { plain, gzipped: gzipSync(plain, { level: 1 }) };
  if (plain.length > MAX_BYTES) return entry;
  const old = thumbnailCache.get(name);
  if (old !== undefined) {
    thumbnailCache.delete(name);
    cachedBytes -= old.plain.length;
  }
  for (const [oldestName, oldest] of thumbnailCache) {
    if (cachedBytes + plain.length <= MAX_BYTES) break;
    thumbnailCache.delete(oldestName);
    cachedBytes -= oldest.plain.length;
  }
  thumbnailCache.set(name, entry);
  cachedBytes += plain.length;
  return entry;
}

app.get('/files/:name', async (req, res) => {
  const name = req.params.name;
  let entry = thumbnailCache.get(name);
  if (entry === undefined) {
    entry = remember(name, await readStoredFile(name));
  } else {
    thumbnailCache.delete(name);
    thumbnailCache.set(name, entry);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').vary('Accept-Encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') res.set('Content-Encoding', 'gzip').send(entry.gzipped);
  else res.send(entry.plain);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
