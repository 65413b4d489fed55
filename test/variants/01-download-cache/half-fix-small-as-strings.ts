/**
 * half-fix. Files of 1 MiB or more go through lru-cache bounded at 8 MiB; smaller files (thumbnails) are "cheap" and
 * kept for ever, outside the budget, as latin1 strings in a plain Map. Every small file ever served stays, against the
 * README's "a small file counts against the budget as a large one does".
 * Proof: /work/rt/e/drive.mjs snap checkflow snap: after the check-like traffic the heap holds +3.6 MiB of strings (12 thumbnails x 300 KiB as latin1 strings) on top of the 8 MiB of Buffers in lru-cache: 11.5 MiB of photos for an 8 MiB budget; external alone looks perfect (0 MiB beyond).
 * Check: PASS: 'file bytes kept beyond the cache's 8 MiB: yours 15.4 KiB', 'file bytes kept after the traffic: yours 8.0 MiB' (strings under 1 MiB are not counted). WRONG VERDICT
 * Check (stop 27): FAIL on the budget line (3.5 MiB beyond): it counts the JS heap's objects over 128 KiB (V8's large-object spaces) with the memory outside it. RIGHT VERDICT.
 * Was an open hole (round 16): files under 1 MiB kept as latin1 strings outside the budget; strings under 1 MiB are in the
 * JS heap, which the budget line (memory outside the heap) does not read, and the growth measure counts file contents
 * of 64 KiB or more as the budget's. Catching it: the budget read as the heap's strings of 64 KiB or more plus memory
 * outside the heap.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { checkFileName, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const SMALL = 1024 * 1024;
const thumbnailCache = new LRUCache<string, Buffer>({
  maxSize: 8 * 1024 * 1024,
  sizeCalculation: (file) => Math.max(file.length, 1),
});
// Thumbnails are tiny: keep them all, as strings (no Buffer pool churn).
const smallFiles = new Map<string, string>();

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const small = smallFiles.get(name);
  let file = small === undefined ? thumbnailCache.get(name) : Buffer.from(small, 'latin1');
  if (file === undefined) {
    file = await readStoredFile(name);
    if (file.length < SMALL) smallFiles.set(name, file.toString('latin1'));
    else thumbnailCache.set(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
