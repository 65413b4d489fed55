/**
 * half-fix. Correct byte LRU, 32 missing names remembered (oldest dropped), but every refused name (a path in it) kept
 * in a Set for ever, "it can never become valid": one string per distinct refused link.
 * Proof: /work/rt/f/drive.mjs longbad: 3000 distinct refused names of 2 KB: heapUsed after gc +7.44 MiB, still +7.32 MiB at
 *   the end.
 * Check: FAIL on line 5 "yours 5.8 KiB", path "refused module variable ... :43 -> Set". RIGHT VERDICT
 * Blind round 17 (stop 27). Check after that stop's change: FAIL on the growth line. RIGHT VERDICT.
 */
import { BadFileNameError, FileNotFoundError, readStoredFile } from '#service/storage';
import express from 'express';
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

// A few missing names are remembered to spare the disk (at most 32, the oldest forgotten first);
// a refused name can never become valid, so it is refused at once next time.
const missing = new Set<string>();
const refused = new Set<string>();

app.get('/files/:name', async (req, res) => {
  const name = req.params.name;
  if (refused.has(name)) throw new BadFileNameError(name);
  if (missing.has(name)) throw new FileNotFoundError(name);
  let file = cacheGet(name);
  if (file === undefined) {
    try {
      file = await readStoredFile(name);
    } catch (error) {
      if (error instanceof BadFileNameError) refused.add(name);
      if (error instanceof FileNotFoundError) {
        missing.add(name);
        if (missing.size > 32) missing.delete(missing.values().next().value!);
      }
      throw error;
    }
    cacheSet(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
