/**
 * half-fix. lru-cache with maxSize 8 MiB (sizeCalculation = byte length, so a file over 8 MiB is never stored),
 * keyed by the file name only, filled through fetch() so concurrent misses of one photo share one disk read. Under concurrency a set() evicts other in-flight fetches, whose requests then fail with 500 "evicted": downloads break.
 * Proof: /work/rt/e/drive.mjs checkflow: the album fetched 8 at a time got 10 of 32 answers 500 (lru-cache fetch() rejects in-flight fetches that a concurrent set() evicts: 'Error: evicted'). Written as an alternative, found broken by the driver.
 * Check: COULD NOT CHECK: 'GET /files/album-05.jpg was answered 500, and so were 15 more request(s) ... Error: evicted (at ...half-fix-lru-fetch-evicted.ts:23:17)'. RIGHT VERDICT (not a PASS; it points at the line)
 * Round 16, stop 26: the check answers "could not check": it names the 500s and the line that threw (Error: evicted,
 * at this file's line 23), which is what a learner needs; the suite holds it to that (half-fix-errors-*).
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const BUDGET = 8 * 1024 * 1024;
const thumbnailCache = new LRUCache<string, Buffer>({
  maxSize: BUDGET,
  sizeCalculation: (file) => Math.max(file.length, 1),
  fetchMethod: (name) => readStoredFile(name),
});

app.get('/files/:name', async (req, res) => {
  const file = (await thumbnailCache.fetch(req.params.name)) as Buffer;
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
