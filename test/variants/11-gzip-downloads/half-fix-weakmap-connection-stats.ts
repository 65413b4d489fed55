/**
 * half-fix. Fixed with stream.pipeline(), plus per-connection stats (a small record per download: name, encoding, bytes on the wire) kept in a WeakMap keyed by the socket, "so they go when the connection goes": a keep-alive connection gains an entry per download for as long as it stays open.
 * Proof: drivers/ka11b.mjs on a debug copy (drivers/weakmap-debug.ts, + GET /debug/stats): one keep-alive connection holds 8, 100, 500 records after 8, 100, 500 downloads; 0 fds after every abort (drivers/drv11.mjs).
 * Check: PASS (records kept on a connection: 0). WRONG VERDICT.
 * Round 13: the check was changed for it: FAIL now (a check before the change: PASS, as above).
 */
import express from 'express';
import type { Socket } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

interface DownloadStats {
  name: string;
  encoding: string;
  bytes: number;
}

/** What each client connection downloaded (a WeakMap: gone with the connection). */
const statsPerConnection = new WeakMap<Socket, DownloadStats[]>();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.vary('accept-encoding');
  const socket = req.socket;
  const startBytes = socket.bytesWritten;
  res.on('close', () => {
    let stats = statsPerConnection.get(socket);
    if (!stats) statsPerConnection.set(socket, (stats = []));
    stats.push({ name, encoding: String(res.getHeader('content-encoding') ?? 'identity'), bytes: socket.bytesWritten - startBytes });
  });
  const done = (error?: Error | null) => {
    if (error && !res.headersSent) next(error);
  };
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    pipeline(file, createGzip(), res, done);
  } else {
    res.setHeader('content-length', size);
    pipeline(file, res, done);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
