/**
 * half-fix. lru-cache bounded at 8 MiB by bytes, and, to drop a photo when the store replaces it, every miss adds a
 * fileEvents 'changed' listener for that name. Nothing removes it when the entry is evicted (or re-read): one listener
 * and its closure per disk read, for ever.
 * Proof: /work/rt/e/drive.mjs albummiss:64 snap albummiss:320 snap: fileEvents 'changed' listeners 64 then 384 (one per disk read), +331 closures; Node prints MaxListenersExceededWarning. Control alternative-lru-getset-capped-stats: 1 listener.
 * Check: PASS: all lines ✓, the warning is not shown in the check's output. WRONG VERDICT
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { checkFileName, fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const thumbnailCache = new LRUCache<string, Buffer>({
  maxSize: 8 * 1024 * 1024,
  sizeCalculation: (file) => Math.max(file.length, 1),
});

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  let file = thumbnailCache.get(name);
  if (file === undefined) {
    file = await readStoredFile(name);
    if (thumbnailCache.set(name, file).has(name)) {
      fileEvents.on('changed', (changed: string) => {
        if (changed === name) thumbnailCache.delete(name);
      });
    }
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
