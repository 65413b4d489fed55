/**
 * half-fix. Byte-counted LRU keyed by name and a negative cache of the last 32 missing names (both correct), plus a
 * Set of refused names (400: a path, "..", odd characters) kept for ever "since a bad name never becomes valid":
 * every different bad name a client (or a scanner) sends stays in memory.
 * Proof: /work/rt/e/drive.mjs bad:2000 snap bad:4000 snap: +3476 strings (170 KiB) + 4000 sliced strings (125 KiB) + 121 KiB Set backing per 4000 different refused names (all answered 400), never released; control alternative-hand-lru-ring-negative: strings -515, flat. Paths still 400, 404 names capped at 32-34.
 * Check: PASS: 'names of missing photos kept after the traffic: yours 32, bar 32' (its bounded 404 cache); nothing looks at refused names. WRONG VERDICT
 */
import express from 'express';
import { BadFileNameError, checkFileName, FileNotFoundError, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const BUDGET = 8 * 1024 * 1024;
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;

function remember(name: string, file: Buffer): void {
  if (file.length > BUDGET) return;
  const old = thumbnailCache.get(name);
  if (old !== undefined) {
    thumbnailCache.delete(name);
    cachedBytes -= old.length;
  }
  for (const [key, value] of thumbnailCache) {
    if (cachedBytes + file.length <= BUDGET) break;
    thumbnailCache.delete(key);
    cachedBytes -= value.length;
  }
  thumbnailCache.set(name, file);
  cachedBytes += file.length;
}

const missing = new Set<string>(); // the last 32 names known to be missing, oldest first
const refused = new Set<string>(); // names that can never be valid

app.get('/files/:name', async (req, res) => {
  const requested = req.params.name;
  if (refused.has(requested)) throw new BadFileNameError(requested);
  let name: string;
  try {
    name = checkFileName(requested);
  } catch (error) {
    refused.add(requested);
    throw error;
  }
  let file = thumbnailCache.get(name);
  if (file !== undefined) {
    thumbnailCache.delete(name);
    thumbnailCache.set(name, file);
  } else {
    if (missing.has(name)) throw new FileNotFoundError(name);
    try {
      file = await readStoredFile(name);
    } catch (error) {
      if (error instanceof FileNotFoundError) {
        missing.add(name);
        if (missing.size > 32) missing.delete(missing.values().next().value!);
      }
      throw error;
    }
    remember(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
