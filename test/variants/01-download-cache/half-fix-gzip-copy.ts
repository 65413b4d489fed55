/**
 * half-fix. A byte-bounded LRU keyed by name that counts the raw file only, but keeps a gzip copy beside it for clients that accept gzip: the cache holds about twice its 8 MiB budget (photos do not compress).
 * Proof: /work/rt/i/drive.mjs (whole README traffic on my own files + 3000 hits with new query strings/User-Agents; arrayBuffers over baseline after gc): arrayBuffers 16 MiB over baseline (8 MiB of photos + 8 MiB of gzip copies; random bytes do not shrink).
 * Check: FAIL on "file bytes kept beyond the cache's 8 MiB: 8.0 MiB". RIGHT VERDICT
 * Blind round 19 (stop 28). Check after that stop's change: FAIL. RIGHT VERDICT.
 */
import express from 'express';
import { LRUCache } from 'lru-cache';
import { readStoredFile, checkFileName } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

import { gzipSync } from "node:zlib";
interface Entry { raw: Buffer; gz: Buffer }
const photoCache = new LRUCache<string, Entry>({ maxSize: 8 * 1024 * 1024, sizeCalculation: (e) => Math.max(e.raw.length, 1) });
const reading = new Map<string, Promise<Entry>>();

async function photo(name: string): Promise<Entry> {
  const cached = photoCache.get(name);
  if (cached !== undefined) return cached;
  let pending = reading.get(name);
  if (pending === undefined) {
    pending = readStoredFile(name)
      .then((raw) => { const e = { raw, gz: gzipSync(raw, { level: 1 }) }; photoCache.set(name, e); return e; })
      .finally(() => reading.delete(name));
    reading.set(name, pending);
  }
  return pending;
}

app.get("/files/:name", async (req, res) => {
  const name = checkFileName(req.params.name);
  const entry = await photo(name);
  res.type(name).set("Cache-Control", "public, max-age=300").vary("Accept-Encoding");
  if (req.acceptsEncodings("gzip") === "gzip") res.set("Content-Encoding", "gzip").send(entry.gz);
  else res.send(entry.raw);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
