/**
 * INTENDED: key the cache by file name and hold it to an 8 MiB byte budget (LRU), and
 *   spare the disk for broken links by remembering which URLs were 404s.
 * ACTUALLY: the photo cache is fine, but `knownMissing` remembers every missing URL
 *   path ever asked for (req.path, e.g. "/files/nope-17.jpg"), for ever: one string
 *   per broken link. A link checker walking old pages grows it without bound.
 * PROOF: driver.mjs (real HTTP, child with --expose-gc, gc before each reading): photo cache holds 8.02 MiB arrayBuffers after gallery and after 32-photo album + logs + video (bounded, OK); 24 query-string repeats = 0 disk reads; byte-exact; 404s and 400 fine. 20,000 distinct missing names -> heapUsed +2.79 MiB kept after gc (a correct cache: +0.77 MiB), i.e. ~100 B per broken link, for ever.
 * Check: FAIL (names of missing photos kept: 200, bar 32; Buffer lines green 0 B / 8.0 MiB). RIGHT: the check finds the path strings even though they are '/files/<name>', not the bare name.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const BUDGET = 8 * 1024 * 1024;
const cache = new Map<string, Buffer>();
let cachedBytes = 0;
const knownMissing = new Set<string>();

app.get('/files/:name', async (req, res, next) => {
  const { name } = req.params;
  if (knownMissing.has(req.path)) {
    res.status(404).json({ error: `no file named "${name}"` });
    return;
  }
  let file = cache.get(name);
  if (file !== undefined) {
    cache.delete(name);
    cache.set(name, file);
  } else {
    try {
      file = await readStoredFile(name);
    } catch (error) {
      if ((error as { status?: number }).status === 404) knownMissing.add(req.path);
      next(error);
      return;
    }
    if (file.length <= BUDGET && !cache.has(name)) {
      while (cachedBytes + file.length > BUDGET) {
        const [oldName, oldFile] = cache.entries().next().value!;
        cache.delete(oldName);
        cachedBytes -= oldFile.length;
      }
      cache.set(name, file);
      cachedBytes += file.length;
    }
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
