/**
 * half-fix. A byte-bounded LRU keyed by name and a map of reads in flight, but the read is removed from that map only when a response finishes (res.on("finish")): a phone that gives up while the disk is read leaves its read, and the photo in it, in the map for ever.
 * Proof: /work/rt/i/drive.mjs (whole README traffic on my own files + 3000 hits with new query strings/User-Agents; arrayBuffers over baseline after gc): arrayBuffers 99.5 MiB over baseline after the album scroll with hang-ups, and it stays.
 * Check: FAIL on "file bytes kept beyond 8 MiB: 51.5 MiB" and "after the traffic: 59.5 MiB" (path reading -> Promise -> Buffer). RIGHT VERDICT
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

app.get("/files/:name", async (req, res) => {
  const name = checkFileName(req.params.name);
  let file = photoCache.get(name);
  if (file === undefined) {
    let pending = reading.get(name);
    if (pending === undefined) {
      pending = readStoredFile(name);
      reading.set(name, pending);
      pending.catch(() => reading.delete(name));
    }
    res.on("finish", () => reading.delete(name));
    file = await pending;
    photoCache.set(name, file);
  }
  res.type(name).set("Cache-Control", "public, max-age=300").send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
