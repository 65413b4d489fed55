/**
 * alternative. lru-cache used through fetch(): fetchMethod reads the file, so concurrent misses share one read and a
 * failed read is not kept; maxSize/maxEntrySize/sizeCalculation count bytes; ignoreFetchAbort so a pending fetch pushed out
 * of the LRU by other photos still answers its request; a per-request context returns a file too big to cache.
 * (First try, without ignoreFetchAbort, kept in /work/rt/f/first-try-lru-cache-fetchmethod.ts.txt: 500 "evicted" under
 * 8-at-a-time misses; my driver saw 7 bad responses and the check said COULD NOT CHECK: right.)
 * Proof: /work/rt/f/drive.mjs basic,albumbatch,albumfetch,dupmiss,dupok,scrollhit,vhit,manymiss,abortearly,wait,abortmid:
 *   cache.calculatedSize and process arrayBuffers after gc never exceed 8.00 MiB after any part (gallery 8.00, album 8.00 with
 *   a pool of 8, with batches of 8, and with 8 keep-alive fetch() clients; large 6.00; end 7.52); 0 disk reads on hits with
 *   new query strings; album-32 twice with a gc between: 0 reads; hang-ups: fds back to 27, memory back to 8.00 after 6 s.
 * Check: FAIL on "file bytes kept beyond the cache's 8 MiB: yours 2.0 MiB" (2104742 bytes in --json), no path given;
 *   every other line passes. WRONG VERDICT: the cache never holds more than 8 MiB. An instrumented copy run under the check
 *   (/work/rt/f/zz-probe-lru.ts.txt, log /work/rt/f/lru-log.txt) shows why: right after the gallery the check asks for
 *   no-such-photo.jpg; lru-cache's fetch() of a missing key at a full maxSize evicts the oldest photo (8.00/4 -> 6.00/3,
 *   also shown in /work/rt/f/lru-probe.mjs), so the check's "gallery filled" baseline is 6 MiB, and the cache's normal
 *   8.00 MiB later reads as "2.0 MiB beyond". calculatedSize never exceeds 8.00 in 1429 logged requests.
 * Blind round 17 (stop 27). Check after that stop's change: PASS (the budget is weighed from an empty cache: a 404 that evicts in the warm-up no longer moves the baseline). RIGHT VERDICT.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const MAX_BYTES = 8 * 1024 * 1024;

// lru-cache does the de-duplication itself: concurrent misses for one name share one fetch,
// a failed fetch is not kept, and sizes are counted in bytes with no entry larger than the budget.
export const thumbnailCache = new LRUCache<string, Buffer, { file?: Buffer }>({
  maxSize: MAX_BYTES,
  maxEntrySize: MAX_BYTES,
  sizeCalculation: (file) => Math.max(file.byteLength, 1),
  // The context keeps what this request read, for a file too big to be cached (fetch then answers undefined).
  fetchMethod: async (name, _stale, { context }) => (context.file = await readStoredFile(name)),
  allowStaleOnFetchRejection: false,
  // A pending fetch pushed out of the LRU by other photos would otherwise reject with 'evicted' (a 500):
  // let it finish and answer its request.
  ignoreFetchAbort: true,
  noDeleteOnFetchRejection: false,
});

app.get('/files/:name', async (req, res) => {
  const name = req.params.name;
  const context: { file?: Buffer } = {};
  const file = (await thumbnailCache.fetch(name, { context })) ?? context.file ?? (await readStoredFile(name));
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
