/**
 * half-fix. Byte-bounded LRU keyed by name (correct), plus a "cheap" negative cache: missing names concatenated into one
 * string '|a|b|…' searched with includes(). It never forgets: every broken link adds its name to that string for ever.
 * Proof: /work/rt/e/drive.mjs phases miss:3000 snap x3 (unique missing names): strings holding 'nope-' names grew 61 -> 122 -> 182 KiB (about 20 B per broken link), one string, never shrinks; control alternative-hand-lru-ring-negative stayed flat at 1.6 KiB.
 * Check: PASS: all four lines ✓, 'names of missing photos kept after the traffic: yours 3, bar 32' (one concatenated string counts as a few). WRONG VERDICT
 * Check (stop 27): FAIL on the growth line: a module scope reached through Node's module records is the learner's own (its owner is the scope itself), and the missing names are longer, as old pages name them. RIGHT VERDICT.
 * Was an open hole (round 16): one string grows by concatenation; the growth measure reads 448 B for it (the string's parts
 * are not all new, and the measure weighs the holder, a module scope). Catching it: weighing the strings a variable
 * holds by their length, or many more missing names.
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

// Names we know are missing, as one string: no Map, no objects, tiny.
let missingNames = '|';

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  let file = thumbnailCache.get(name);
  if (file !== undefined) {
    thumbnailCache.delete(name);
    thumbnailCache.set(name, file);
  } else {
    if (missingNames.includes(`|${name}|`)) throw new FileNotFoundError(name);
    try {
      file = await readStoredFile(name);
    } catch (error) {
      if (error instanceof FileNotFoundError) missingNames += `${name}|`;
      throw error;
    }
    remember(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
