/**
 * half-fix. Byte LRU plus a Map of reads in progress, deleted after a successful await only: a failed read (404, 400)
 * leaves its rejected promise, with its error and the name, in the Map for ever (and the name stays 404 even if the file
 * appears later).
 * Proof: /work/rt/f/drive.mjs manymiss: 3000 missing names of 90 chars: heapUsed after gc +3.67 MiB (the correct class fix
 *   under the same traffic: +1.87 MiB), never back.
 * Check: FAIL on line 3 (416 strings, path reading :40 -> Promise -> FileNotFoundError -> .message) and line 5
 *   (1.1 MiB). RIGHT VERDICT
 * Blind round 17 (stop 27). Check after that stop's change: FAIL on the missing names line and the growth line. RIGHT VERDICT.
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

// Reads in progress, shared by the requests that ask for the same photo meanwhile.
const reading = new Map<string, Promise<Buffer>>();

app.get('/files/:name', async (req, res) => {
  const name = req.params.name;
  let file = cacheGet(name);
  if (file === undefined) {
    let pending = reading.get(name);
    if (pending === undefined) {
      pending = readStoredFile(name);
      reading.set(name, pending);
    }
    file = await pending;
    reading.delete(name);
    cacheSet(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
