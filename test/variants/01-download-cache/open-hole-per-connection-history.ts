/**
 * half-fix. lru-cache bounded at 8 MiB by bytes (correct), plus a per-connection download history in a WeakMap keyed
 * by req.socket "so it goes when the client disconnects". A keep-alive connection (a browser, a reverse proxy's pool)
 * lives for thousands of requests: its array gains one URL per request and is only dropped when the socket closes.
 * Proof: /work/rt/e/drive.mjs keepalive:4000 snap keepalive:8000 snap kaclose snap (HEAD hits on one keep-alive connection): +4001 '?t=' URL strings per 4000 requests (≈47 B each) while the connection stays open; all 7973 freed only when it closes. Behind a proxy that keeps its upstream connections, that is never.
 * Check: PASS: 'memory your server's state gained over 200 more cache hits: yours 0 B'. WRONG VERDICT (weaker: memory returns when the connection closes)
 * Open hole (round 16, arguable): a record per request on a WeakMap keyed by the socket, let go when the connection
 * closes; the check's kept-alive clients are closed before it reads. Catching it: the heap read while a kept-alive
 * connection with many requests is still open.
 */
import express from 'express';
import type { Socket } from 'node:net';
import { LRUCache } from 'lru-cache';
import { checkFileName, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const thumbnailCache = new LRUCache<string, Buffer>({
  maxSize: 8 * 1024 * 1024,
  sizeCalculation: (file) => Math.max(file.length, 1),
});
// What each connection downloaded (for the abuse report); weak, so a closed connection takes it along.
const history = new WeakMap<Socket, string[]>();

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  let urls = history.get(req.socket);
  if (urls === undefined) history.set(req.socket, (urls = []));
  urls.push(req.originalUrl);
  let file = thumbnailCache.get(name);
  if (file === undefined) {
    file = await readStoredFile(name);
    thumbnailCache.set(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
