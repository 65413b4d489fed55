/**
 * half-fix. lru-cache bounded at 8 MiB by bytes (correct), plus a Map of in-flight reads so that concurrent requests
 * for one photo share a read; the entry is removed when the response emits 'finish'. A client that hangs up before the
 * end never gets 'finish' (only 'close'), so its entry, holding the whole file, stays for ever: an unbounded second cache.
 * Proof: /work/rt/e/drive.mjs abortbefore:64 then more phases: 64 clients that hang up before the first byte (32 album photos) leave external at 74.6 MiB (8 MiB cache + 64 MiB of stuck in-flight entries) through every later phase; control alternative-lru-getset-capped-stats returns to 10.6 MiB (the 8 MiB cache). abortmid did not show it (finish had fired).
 * Check: PASS: all lines ✓ (the check's clients never hang up). WRONG VERDICT
 * Check (stop 27): FAIL on the budget line (7.5 MiB beyond the 8 MiB, read highest after the larger files) and the file bytes line: four phones hang up while the server reads an album photo (context.hangUpWhileReadingFile). RIGHT VERDICT.
 * Was an open hole (round 16): the check's clients of 01 never hang up before the first byte; the in-flight entry of such a
 * client stays. Catching it: hang-ups while the file is read (context.hangUpWhileReadingFile), as 10's warm-up does.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { checkFileName, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const thumbnailCache = new LRUCache<string, Buffer>({
  maxSize: 8 * 1024 * 1024,
  sizeCalculation: (file) => Math.max(file.length, 1),
});
const inFlight = new Map<string, Promise<Buffer>>();

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  let file = thumbnailCache.get(name);
  if (file === undefined) {
    let pending = inFlight.get(name);
    if (pending === undefined) {
      pending = readStoredFile(name);
      inFlight.set(name, pending);
      res.on('finish', () => inFlight.delete(name));
    }
    file = await pending;
    thumbnailCache.set(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
