/**
 * half-fix. A byte-bounded LRU keyed by name; the route handler is made by a function whose closure keeps an access log (URL, User-Agent, time) pushed at every request: no module variable holds the log, only the handler's closure.
 * Proof: /work/rt/i/drive-keepalive.mjs: 10000 hits -> heapUsed +2670 KiB (273 B/hit; correct fix -62 KiB over 20000).
 * Check: FAIL on "state gained 74.3 KiB" (path app -> router -> Layer -> handler closure -> accessLog). RIGHT VERDICT
 * Blind round 19 (stop 28). Check after that stop's change: FAIL. RIGHT VERDICT.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile, checkFileName } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const photoCache = new LRUCache<string, Buffer>({ maxSize: 8 * 1024 * 1024, sizeCalculation: (f) => Math.max(f.length, 1) });
const reading = new Map<string, Promise<Buffer>>();

async function photo(name: string): Promise<Buffer> {
  const cached = photoCache.get(name);
  if (cached !== undefined) return cached;
  let pending = reading.get(name);
  if (pending === undefined) {
    pending = readStoredFile(name).then((file) => { photoCache.set(name, file); return file; }).finally(() => reading.delete(name));
    reading.set(name, pending);
  }
  return pending;
}

function makeDownloadHandler(): express.RequestHandler {
  const accessLog: string[] = [];
  return async (req, res) => {
    const name = checkFileName(req.params.name as string);
    const file = await photo(name);
    accessLog.push(`${new Date().toISOString()} ${req.method} ${req.originalUrl} ${req.get("user-agent") ?? "-"}`);
    res.type(name).set("Cache-Control", "public, max-age=300").send(file);
  };
}

app.get("/files/:name", makeDownloadHandler());

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
