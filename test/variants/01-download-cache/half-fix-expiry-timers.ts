/**
 * INTENDED: an 8 MiB byte-budget LRU keyed by name whose entries also expire after
 *   5 minutes, like the Cache-Control max-age, via one unref'd timer per entry.
 * ACTUALLY: evicting an entry does not clear its timer, and the timer's closure holds
 *   the file's Buffer: every file that passed through the cache stays in memory until
 *   its 5 minutes are up, whatever the budget says (bounded by 5 minutes of traffic,
 *   not by 8 MiB). The expiry also subtracts the size of an entry that may have been
 *   evicted already, so the byte count drifts negative and the budget stops holding.
 * PROOF: driver.mjs: after the album + logs + video, arrayBuffers after gc = 90.54 MiB (budget 8): evicted Buffers are held by their pending 5-minute Timeout closures; 94.5 MiB at the end. Features intact (repeats 0 reads, byte-exact, 404/400).
 * Check: FAIL (Buffer bytes beyond the cache's 8 MiB: 82.5 MiB; path starts at a Timeout). RIGHT.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const BUDGET = 8 * 1024 * 1024;
const TTL_MS = 5 * 60_000;
const cache = new Map<string, Buffer>();
let cachedBytes = 0;

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  let file = cache.get(name);
  if (file === undefined) {
    file = await readStoredFile(name);
    const data = file;
    if (data.length <= BUDGET && !cache.has(name)) {
      while (cachedBytes + data.length > BUDGET && cache.size > 0) {
        const [oldName, oldFile] = cache.entries().next().value!;
        cache.delete(oldName);
        cachedBytes -= oldFile.length;
      }
      cache.set(name, data);
      cachedBytes += data.length;
      setTimeout(() => {
        cache.delete(name);
        cachedBytes -= data.length;
      }, TTL_MS).unref();
    }
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
