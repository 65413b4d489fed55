/**
 * half-fix. A byte budget counted in Math.round(MiB): a 300 KiB thumbnail counts 0, so thumbnails come in free and
 * twelve of them sit on top of a full 8 MiB of photos.
 * Proof: /work/rt/f/drive.mjs basic: arrayBuffers after gc +8.00 MiB until the link checker's thumbnails, then +11.52 MiB
 *   to the end.
 * Check: FAIL on line 1 "file bytes kept beyond the cache's 8 MiB yours 3.5 MiB". RIGHT VERDICT
 * Blind round 17 (stop 27). Check after that stop's change: FAIL on the budget line. RIGHT VERDICT.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const BUDGET_MIB = 8;
const thumbnailCache = new Map<string, Buffer>();
let cachedMiB = 0;
const mib = (file: Buffer) => Math.round(file.length / (1024 * 1024));

app.get('/files/:name', async (req, res) => {
  const name = req.params.name;
  let file = thumbnailCache.get(name);
  if (file === undefined) {
    file = await readStoredFile(name);
    if (mib(file) <= BUDGET_MIB) {
      for (const [oldestName, oldest] of thumbnailCache) {
        if (cachedMiB + mib(file) <= BUDGET_MIB) break;
        thumbnailCache.delete(oldestName);
        cachedMiB -= mib(oldest);
      }
      thumbnailCache.set(name, file);
      cachedMiB += mib(file);
    }
  } else {
    thumbnailCache.delete(name);
    thumbnailCache.set(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
