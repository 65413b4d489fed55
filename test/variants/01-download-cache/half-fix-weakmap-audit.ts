/**
 * half-fix. lru-cache bounded at 8 MiB by bytes (correct), plus a download audit in a WeakMap keyed by the cached
 * Buffer "so it goes away with the photo". But a popular photo is never evicted: its audit array gains a record
 * (time, URL with its query string) on every hit, for ever.
 * Proof: /work/rt/e/drive.mjs head:4000 snap x3: every 4000 hits add ~4000 strings (219 KiB), ~4000 objects (156 KiB), ~4000 numbers (63 KiB) that never go (about 110 B per hit); control alternative-hand-lru-ring-negative: +0 strings/objects.
 * Check: PASS: 'memory your server's state gained over 200 more cache hits: yours 1.9 KiB, bar 2.0 KiB, Close to the bar'. WRONG VERDICT
 * Check (stop 27): FAIL on the growth line (19.7 KiB, path audit → WeakMap → Array): records kept from two places (a WeakMap's value under a key the cache holds) are weighed at what keeps both, the module's scope. RIGHT VERDICT.
 * Was an open hole (round 16): about 110 B a hit kept through a WeakMap keyed by the cached Buffer; the growth measure reads
 * under 2 KiB for the 200 hits (what the WeakMap keeps is not attributed to the array that grows). Left for a later
 * round.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { checkFileName, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const thumbnailCache = new LRUCache<string, Buffer>({
  maxSize: 8 * 1024 * 1024,
  sizeCalculation: (file) => Math.max(file.length, 1),
});
// Who downloaded each cached photo; weak, so it is dropped when the photo leaves the cache.
const audit = new WeakMap<Buffer, { at: number; url: string }[]>();

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  let file = thumbnailCache.get(name);
  if (file === undefined) {
    file = await readStoredFile(name);
    thumbnailCache.set(name, file);
  }
  let log = audit.get(file);
  if (log === undefined) audit.set(file, (log = []));
  log.push({ at: Date.now(), url: req.originalUrl });
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
