/**
 * HALF FIX: pipeline() in both branches (descriptors fine); for per-connection rate limiting each
 * download is recorded on its connection (`req.socket`), a plain record {name, encoding, at}, never
 * removed. No module-level variable holds anything and the list goes when the connection closes, but a
 * dashboard (or a proxy's upstream pool) that keeps its connection open gains one record per download for
 * as long as it lives. Proof: drive.mts + hook.mts: 500 downloads over one keep-alive connection -> 500 records on it,
 * heapUsed +299 KiB. Check: PASS (wrong).
 * Check after round 12's fix of 07 and 11: FAIL on records kept on a connection open for 8 downloads (Socket → .<symbol downloads on this connection> → Array: 17 objects). RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import type { Socket } from 'node:net';
import { pipeline } from 'node:stream';

const app = express();

type DownloadRecord = { name: string; encoding: string; at: number };
const history = Symbol('downloads on this connection');

app.get('/files/:name', async (req, res, next) => {
  const socket = req.socket as Socket & { [history]?: DownloadRecord[] };
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.vary('accept-encoding');
  const done = (error?: Error | null) => {
      if (error && !res.headersSent) next(error);
    };
  const gzip = req.acceptsEncodings('gzip', 'identity') === 'gzip';
  (socket[history] ??= []).push({ name, encoding: gzip ? 'gzip' : 'identity', at: Date.now() });
  if (gzip) {
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
