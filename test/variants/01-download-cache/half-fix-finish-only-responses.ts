/**
 * half-fix. Bounded LRU, plus a Set of responses in progress (with res.locals.file) removed on 'finish' only: a client that hangs up while the disk is read leaves its response and the photo's bytes in the Set.
 * Proof: drive.mjs phase hangup, 20 hang-ups on album misses: arrayBuffers +40.00 MiB (2 MiB each) vs 0 for the control.
 * Check: FAIL on 'file bytes kept beyond the cache's 8 MiB' (23.5 MiB) and 'kept after the traffic' (31.5 MiB). RIGHT VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: FAIL on the budget, file bytes and growth lines. RIGHT VERDICT.
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

/** Responses in progress, with what they send, so a shutdown can wait for them. */
const sending = new Set<express.Response>();

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
  let file = thumbnailCache.get(name);
  if (file !== undefined) {
    thumbnailCache.delete(name);
    thumbnailCache.set(name, file);
  } else {
    file = await readStoredFile(name);
    remember(name, file);
  }
  res.locals.file = file;
  sending.add(res);
  res.on('finish', () => sending.delete(res));
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
