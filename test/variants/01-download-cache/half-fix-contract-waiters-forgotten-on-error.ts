/**
 * half-fix. De-duplicates concurrent misses with a Map of waiting resolve callbacks, cleared in finally, but never
 * rejects the waiters when the read fails: when two or more clients ask for the same missing photo at once, only the first
 * gets its 404; the others hang for ever (their req/res/socket stay until the client gives up).
 * Proof: /work/rt/f/drive.mjs dupmiss: 5 clients at once for gone-N.jpg, 10 names: e.g. "404,TIMEOUT,TIMEOUT,TIMEOUT,TIMEOUT"
 *   on 5 of the 10 names (3 s client timeout); "a missing photo is still a 404" broken.
 * Check: PASS on all five lines (its missing photos are asked once each, one at a time). WRONG VERDICT
 * Blind round 17 (stop 27). Check after that stop's change: FAIL on the contract (3 clients that miss one missing name at once: some get no answer within 5 s). RIGHT VERDICT.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const MAX_BYTES = 8 * 1024 * 1024;
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;

function cacheGet(key: string): Buffer | undefined {
  const file = thumbnailCache.get(key);
  if (file !== undefined) {
    thumbnailCache.delete(key);
    thumbnailCache.set(key, file);
  }
  return file;
}

function cacheSet(key: string, file: Buffer): void {
  const old = thumbnailCache.get(key);
  if (old !== undefined) {
    thumbnailCache.delete(key);
    cachedBytes -= old.length;
  }
  if (file.length > MAX_BYTES) return;
  for (const [oldestKey, oldest] of thumbnailCache) {
    if (cachedBytes + file.length <= MAX_BYTES) break;
    thumbnailCache.delete(oldestKey);
    cachedBytes -= oldest.length;
  }
  thumbnailCache.set(key, file);
  cachedBytes += file.length;
}

// Requests that arrive while the same photo is being read wait for that read instead of reading it again.
const waiting = new Map<string, ((file: Buffer) => void)[]>();

async function load(name: string): Promise<Buffer> {
  const cached = cacheGet(name);
  if (cached !== undefined) return cached;
  const queue = waiting.get(name);
  if (queue !== undefined) return new Promise<Buffer>((resolve) => queue.push(resolve));
  waiting.set(name, []);
  try {
    const file = await readStoredFile(name);
    cacheSet(name, file);
    for (const resolve of waiting.get(name) ?? []) resolve(file);
    return file;
  } finally {
    waiting.delete(name);
  }
}

app.get('/files/:name', async (req, res) => {
  const file = await load(req.params.name);
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
