/**
 * alternative. lru-cache (8 MiB, by name) for photos plus a negative cache of at most 100 missing names for 60 s (lru-cache max 100, ttl), so a link checker's repeated broken links spare the disk. Bounded in count and in time.
 * Proof: /work/rt/a/d01-missing.mjs: heapUsed +1.0, +0.7, +0.8 MiB after 4000/8000/12000 missing names (flat); /work/rt/a/d01.mjs: file memory 8.05 MiB, every promise kept.
 * Check: FAIL on "names of missing photos kept after the traffic" (yours 200, bar 32: 100 names counted twice, key and error message). WRONG VERDICT (debatable: the README allows "a few" names; a bounded 100-name, 60-s negative cache is not a leak, yet the bar of 32 strings lets one remember only 16 names when an Error is kept)
 * Round 14: the red team wrote it as a correct fix (bounded: 100 names, 60 s) and called its FAIL debatable. The README's rule is a few names (up to 32 strings that name one: a name kept with its error counts twice), and the README now says so: 100 names with their errors (200 strings) is over it. A half fix by the README's rule.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const photoCache = new LRUCache<string, Buffer>({ maxSize: 8 * 1024 * 1024, sizeCalculation: (file) => file.length });
/** Names recently found missing (old pages keep linking to them): spare the disk a lookup, for a minute, at most 100 names. */
const missing = new LRUCache<string, Error>({ max: 100, ttl: 60_000 });

app.get('/files/:name', async (req, res) => {
  const name = req.params.name;
  const knownMissing = missing.get(name);
  if (knownMissing) throw knownMissing;
  let file = photoCache.get(name);
  if (file === undefined) {
    try {
      file = await readStoredFile(name);
    } catch (error) {
      if ((error as { status?: number }).status === 404) missing.set(name, error as Error);
      throw error;
    }
    photoCache.set(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
