/**
 * half-fix. lru-cache with maxSize 8 MiB in bytes and its fetchMethod to share reads, with ignoreFetchAbort and
 * allowStaleOnFetchAbort "so a read pushed out by other misses does not fail": when eight album photos are missed
 * at once, a read still in flight is evicted and fetch() resolves undefined, and the client gets 200 with an empty body.
 * Proof: /work/rt/i/drive.mjs: 16 album downloads answered 200 with an empty body ("bytes differ (0)").
 * Check: FAIL on "the service must still do its job: GET /files/album-05.jpg sent 0 bytes that are not the file's contents" (and more). RIGHT VERDICT
 * Blind round 19 (stop 28). Check after that stop's change: FAIL. RIGHT VERDICT.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile, checkFileName } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const photoCache = new LRUCache<string, Buffer>({
  maxSize: 8 * 1024 * 1024,
  sizeCalculation: (file) => Math.max(file.length, 1),
  fetchMethod: (name) => readStoredFile(name),
  ignoreFetchAbort: true,
  allowStaleOnFetchAbort: true,
});

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const file = (await photoCache.fetch(name)) as Buffer;
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
