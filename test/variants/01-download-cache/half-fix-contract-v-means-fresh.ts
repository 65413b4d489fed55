/**
 * half-fix. Bounded LRU keyed by name, but a request with ?v= skips the cache ('the app wants a fresh copy'): breaks 'a photo asked for a second time must still come from memory, whatever query string'.
 * Proof: drive.mjs verify: diskReads 6->6->7 on photo-3.jpg then ?size=large&t=9 then ?v=77.
 * Check: FAIL on 'the service must still do its job' (photo-3.jpg read from disk again as ?v=…). RIGHT VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: FAIL on the contract. RIGHT VERDICT.
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
  // ?v=… is the app asking for a fresh copy after an edit: skip the cache then.
  let file = req.query.v === undefined ? thumbnailCache.get(name) : undefined;
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
