/**
 * half-fix. Bounded LRU, plus a Map of reads in flight that is cleared on success only: a failed read (404) stays with its rejected promise and error for ever.
 * Proof: drive.mjs phase missing, 2x1000: second round +541 KiB (554 B/request) vs +157 KiB control.
 * Check: FAIL on 'names of missing photos kept' (416, path reading -> Promise -> FileNotFoundError.message) and the state line (1.1 MiB). RIGHT VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: FAIL on the missing names line and the growth line. RIGHT VERDICT.
 */
/**
 * Photo downloads for the gallery app. Thumbnails and originals are read from
 * the file store; popular ones are kept in memory so the disk is not read for
 * every request.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const BUDGET = 8 * 1024 * 1024;
// A Map keeps insertion order: re-inserting on a hit makes the first entry the least recently used.
const thumbnailCache = new Map<string, Buffer>();
let cachedBytes = 0;

/** Reads in flight, so clients that miss the same photo at once share one disk read. */
const reading = new Map<string, Promise<Buffer>>();

function remember(name: string, file: Buffer): void {
  const old = thumbnailCache.get(name);
  if (old !== undefined) {
    thumbnailCache.delete(name);
    cachedBytes -= old.length;
  }
  if (file.length > BUDGET) return;
  while (cachedBytes + file.length > BUDGET) {
    const [oldestName, oldest] = thumbnailCache.entries().next().value!;
    thumbnailCache.delete(oldestName);
    cachedBytes -= oldest.length;
  }
  thumbnailCache.set(name, file);
  cachedBytes += file.length;
}

app.get('/files/:name', async (req, res) => {
  const name = req.params.name;
  let file = thumbnailCache.get(name);
  if (file !== undefined) {
    thumbnailCache.delete(name);
    thumbnailCache.set(name, file);
  } else {
    let pending = reading.get(name);
    if (pending === undefined) {
      pending = readStoredFile(name);
      reading.set(name, pending);
      pending.then((read) => {
        reading.delete(name);
        remember(name, read);
      }, () => {});
    }
    file = await pending;
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
