/**
 * half-fix. Bounded LRU of 8 MiB keyed by name, plus a Set of in-flight request tags (`originalUrl @time`) removed on res 'finish' only: a client that hangs up leaves its tag in the Set for ever, a string per hang-up.
 * Proof: /work/rt/g/drive.mjs phase hangup (clients that hang up 1 ms after sending, on album misses with ?t=): heap snapshot holds 593 strings matching ?t=N after 600 hang-ups vs 0 for alternative-hand-lru.ts; heapUsed grows ~600 B per hang-up vs ~400 B control.
 * Check: PASS, every line (state line 0 B). WRONG VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: FAIL on the growth line (6.4 KiB: the album again is 32 phones that hang up while the server reads, after the checkpoint). RIGHT VERDICT.
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

/** URLs being served right now, for the /debug page. */
const inFlight = new Set<string>();

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
  const tag = `${req.originalUrl} @${Date.now()}`;
  inFlight.add(tag);
  res.on('finish', () => inFlight.delete(tag));
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
