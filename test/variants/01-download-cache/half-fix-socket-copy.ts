/**
 * half-fix. A byte-bounded LRU keyed by name, plus a per-connection copy of the last file sent (Buffer.from, in a WeakMap keyed by the socket) "so a kept-alive client asking again skips even the cache": every open connection keeps a private copy beyond the budget.
 * Proof: /work/rt/i/drive-sockets.mjs: 16 kept-alive clients, each fetched one album photo -> arrayBuffers 40 MiB over baseline (8 MiB cache + 16 private copies of 2 MiB; the correct fix: 8 MiB); freed only when the clients disconnect. /work/rt/i/drive.mjs (whole README traffic on my own files + 3000 hits with new query strings/User-Agents; arrayBuffers over baseline after gc): 21.8 MiB after the link checker, 20.1 MiB after the thumbnail hits (8 kept-alive sockets each with a copy).
 * Check: PASS on every line (beyond 8 MiB: 7.4 KiB), twice. WRONG VERDICT
 * Blind round 19 (stop 28).
 * Stop 28: the phones' connections stay open while the check reads: FAIL on the budget line. RIGHT VERDICT
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile, checkFileName } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const photoCache = new LRUCache<string, Buffer>({ maxSize: 8 * 1024 * 1024, sizeCalculation: (f) => Math.max(f.length, 1) });
const lastSent = new WeakMap<object, { name: string; file: Buffer }>();
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

app.get("/files/:name", async (req, res) => {
  const name = checkFileName(req.params.name);
  const last = lastSent.get(req.socket);
  let file: Buffer;
  if (last !== undefined && last.name === name) file = last.file;
  else {
    file = Buffer.from(await photo(name));
    lastSent.set(req.socket, { name, file });
  }
  res.type(name).set("Cache-Control", "public, max-age=300").send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
