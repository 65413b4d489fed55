/**
 * INTENDED: an 8 MiB byte-budget LRU keyed by name, plus request coalescing: eight
 *   browsers asking for the same uncached photo share one disk read (`pending`).
 * ACTUALLY: `pending` entries are deleted only when the read succeeds. A read that fails
 *   (a 404 for a broken link) leaves its rejected promise, its error and its name in
 *   `pending` for ever; and every later request for that name gets the old rejection
 *   without looking at the disk again (a file added later stays 404 for ever).
 * PROOF: driver.mjs: photo budget fine (8.02 MiB arrayBuffers after everything), repeats 0 disk reads, byte-exact. 20,000 distinct missing names -> heapUsed +9.71 MiB after gc (correct cache +0.77 MiB): each rejected promise + FileNotFoundError + name stays in `pending`.
 * Check: FAIL (names of missing photos kept 400, bar 32). RIGHT.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const BUDGET = 8 * 1024 * 1024;
const cache = new Map<string, Buffer>();
let cachedBytes = 0;
const pending = new Map<string, Promise<Buffer>>();

function remember(name: string, file: Buffer): void {
  if (file.length > BUDGET || cache.has(name)) return;
  while (cachedBytes + file.length > BUDGET) {
    const [oldName, oldFile] = cache.entries().next().value!;
    cache.delete(oldName);
    cachedBytes -= oldFile.length;
  }
  cache.set(name, file);
  cachedBytes += file.length;
}

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  let file = cache.get(name);
  if (file === undefined) {
    let reading = pending.get(name);
    if (!reading) {
      reading = readStoredFile(name);
      pending.set(name, reading);
      reading.then((data) => {
        pending.delete(name);
        remember(name, data);
      }, () => {});
    }
    file = await reading;
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
