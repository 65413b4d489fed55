/**
 * INTENDED: no eviction at all: an admission-only cache. A file is kept only if it fits in
 *   what is left of the 8 MiB budget at the moment its bytes arrive (checked and reserved
 *   synchronously after the read, so eight concurrent misses cannot share the same room);
 *   once full, the cache never changes. The first popular photos (the gallery) stay hot
 *   for ever; everything else is served from disk. Keyed by name, so query strings hit.
 * ACTUALLY: Bounded (never more than 8 MiB) and no leak. But the cache freezes with whatever filled it first: any photo outside those first 8 MiB is read from disk on every request, for the life of the process (e.g. after a restart, if thumbnails/panoramas come first, the gallery is never cached).
 * PROOF: driver.mjs: arrayBuffers after gc 8.02 MiB throughout; gallery repeats 0 disk reads; album-05 asked twice in a row after the cache filled -> second ask 1 disk read (LRU: 0). 20k missing names +0.75 MiB (noise).
 * Check: PASS (0 B / 0 B / 0). Partly WRONG / debatable: no leak, but 'a photo asked for a second time must still come from memory' holds only for the first 8 MiB ever served; the check only tests gallery photos that were the first files served.
 * Filed as an alternative (debatable); the kit counts it a half fix: the README promises a photo asked for again comes from memory, and this cache saves no reads after its first 8 MiB. Now caught: the contract asks for the album's last photo twice (FAIL on the contract).
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const BUDGET = 8 * 1024 * 1024;
const kept = new Map<string, Buffer>();
let room = BUDGET;

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  let file = kept.get(name);
  if (!file) {
    file = await readStoredFile(name);
    if (!kept.has(name) && file.length <= room) {
      kept.set(name, file);
      room -= file.length;
    }
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
