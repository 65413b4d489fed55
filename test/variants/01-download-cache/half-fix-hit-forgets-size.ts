/**
 * half-fix. A hand-written LRU (a Map in use order, a running byte total, 8 MiB) whose hit path moves the photo to
 * the end with delete + set but subtracts its size without adding it back: every hit lowers the total, so the cache
 * soon believes it is empty and grows past its budget.
 * Proof: /work/rt/i/drive.mjs (whole README traffic on my own files + 3000 hits with new query strings/User-Agents; arrayBuffers over baseline after gc): arrayBuffers 26.5 MiB after the thumbnails, 67.5 MiB after the scroll, never coming down.
 * Check: FAIL on "beyond 8 MiB: 59.5 MiB" and "after the traffic: 67.5 MiB" (path photoCache -> Map). RIGHT VERDICT
 * Blind round 19 (stop 28). Check after that stop's change: FAIL. RIGHT VERDICT.
 */
import express from 'express';
import { readStoredFile, checkFileName } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const BUDGET = 8 * 1024 * 1024;
const photoCache = new Map<string, Buffer>();
let cachedBytes = 0;
const reading = new Map<string, Promise<Buffer>>();

function forget(name: string): void {
  const file = photoCache.get(name);
  if (file === undefined) return;
  photoCache.delete(name);
  cachedBytes -= file.length;
}

function remember(name: string, file: Buffer): void {
  if (file.length > BUDGET) return;
  forget(name);
  for (const oldest of photoCache.keys()) {
    if (cachedBytes + file.length <= BUDGET) break;
    forget(oldest);
  }
  photoCache.set(name, file);
  cachedBytes += file.length;
}

async function photo(name: string): Promise<Buffer> {
  const cached = photoCache.get(name);
  if (cached !== undefined) {
    forget(name); // move to the most recent end
    photoCache.set(name, cached);
    return cached;
  }
  let pending = reading.get(name);
  if (pending === undefined) {
    pending = readStoredFile(name)
      .then((file) => {
        remember(name, file);
        return file;
      })
      .finally(() => reading.delete(name));
    reading.set(name, pending);
  }
  return pending;
}

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const file = await photo(name);
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
