/**
 * half-fix. A byte-bounded LRU keyed by name (lru-cache, 8 MiB), plus an access log batched per connection: each
 * request's URL is pushed on an array stored on the socket, written out when the connection closes. On a kept-alive
 * connection (a reverse proxy's upstream connection lives for days) the array gains a URL a request, for ever.
 * Proof: /work/rt/i/drive-keepalive.mjs: 20000 requests on one kept-alive connection -> heapUsed +4089 KiB (209 B/request) vs -62 KiB for the correct fix.
 * Check: PASS on every line ("state gained 0 B"). WRONG VERDICT
 * Blind round 19 (stop 28).
 * Open hole (round 19): a log kept on the socket object (a property the code adds to Node's Socket) hangs from
 *   Node's server, not from the program's variables: the state line does not weigh it, even with the phones' connections
 *   open while it reads. Catching it: weigh what the program adds to the connections it is given.
 */
import type { Socket } from "node:net";
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
    pending = readStoredFile(name)
      .then((file) => {
        photoCache.set(name, file);
        return file;
      })
      .finally(() => reading.delete(name));
    reading.set(name, pending);
  }
  return pending;
}

app.use((req, _res, next) => {
  const socket = req.socket as Socket & { accessLog?: string[] };
  if (socket.accessLog === undefined) {
    const lines: string[] = (socket.accessLog = []);
    socket.once('close', () => {
      if (process.env.ACCESS_LOG) console.log(lines.join('\n'));
    });
  }
  socket.accessLog.push(`${new Date().toISOString()} ${req.method} ${req.originalUrl}`);
  next();
});

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const file = await photo(name);
  res.type(name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
