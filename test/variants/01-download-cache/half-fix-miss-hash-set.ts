/**
 * half-fix. Byte-bounded LRU keyed by name (correct), plus a negative cache that stores a 32-bit hash of every missing
 * name in a Set<number> "so no strings are kept". Nothing ever leaves that Set: one entry per broken link, for ever.
 * Proof: /work/rt/e/drive.mjs miss:3000 snap x3: per 3000 unique 404s the heap gains ~1500 heap numbers (24 KiB) and the Set's backing array grows 81 KiB then 160 KiB; never released. Control flat.
 * Check: PASS: 'names of missing photos kept after the traffic: yours 0' (numbers, not strings), hits line 448 B. WRONG VERDICT
 */
import express from 'express';
import { checkFileName, FileNotFoundError, readStoredFile } from '#service/storage';
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

// Hashes of names we know are missing: numbers, not strings, so it stays small.
const missingHashes = new Set<number>();
function hashName(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  let file = thumbnailCache.get(name);
  if (file !== undefined) {
    thumbnailCache.delete(name);
    thumbnailCache.set(name, file);
  } else {
    if (missingHashes.has(hashName(name))) throw new FileNotFoundError(name);
    try {
      file = await readStoredFile(name);
    } catch (error) {
      if (error instanceof FileNotFoundError) missingHashes.add(hashName(name));
      throw error;
    }
    remember(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
