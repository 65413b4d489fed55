/**
 * half-fix. Bounded LRU, plus a Map of requests per `remoteAddress:remotePort`, never deleted: an entry per connection.
 * Proof: drive.mjs phase conns (a new connection per request), 2x1000: second round +193 KiB (198 B/request) vs +99 KiB control.
 * Check: FAIL on 'memory your server's state gained' (34.7 KiB, path requestsPerConnection). RIGHT VERDICT
 * Blind round 18 (stop 27). Check after that stop's change: FAIL on the growth line (34.7 KiB). RIGHT VERDICT.
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

/** Requests per connection, to see whether the app keeps its connections alive. */
const requestsPerConnection = new Map<string, number>();

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
  const connection = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
  requestsPerConnection.set(connection, (requestsPerConnection.get(connection) ?? 0) + 1);
  let file = thumbnailCache.get(name);
  if (file !== undefined) {
    thumbnailCache.delete(name);
    thumbnailCache.set(name, file);
  } else {
    file = await readStoredFile(name);
    remember(name, file);
  }
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
