/**
 * HALF FIX: pipeline() in both branches (descriptors fine), plus a progress table: compressed bytes sent
 * per download id in a module-level Map<number, number>, deleted on 'finish' only. A cancelled download
 * never finishes, so its entry stays for ever: one entry per cancelled download (README 07 names this exact
 * leak, `bytesSent → Map`). Proof: drive.mts + hook.mts: 100 more cancelled gzip downloads -> bytesSent.size 44 -> 144. Check: PASS (wrong).
 * Check after round 12's fix of 07 and 11: FAIL on collections grown past the downloads in flight (bytesSent → Map, 11's new measure, 07's). RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { pipeline } from 'node:stream';

const app = express();

/** Bytes sent so far by download id, for the progress page. */
export const bytesSent = new Map<number, number>();
let nextId = 0;

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.vary('accept-encoding');
  const id = nextId++;
  bytesSent.set(id, 0);
  res.on('finish', () => bytesSent.delete(id));
  const count = (chunk: string | Buffer) => bytesSent.set(id, (bytesSent.get(id) ?? 0) + chunk.length);
  const done = (error?: Error | null) => {
      if (error && !res.headersSent) next(error);
    };
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    const gzip = createGzip();
    gzip.on('data', count);
    pipeline(file, gzip, res, done);
  } else {
    res.setHeader('content-length', size);
    file.on('data', count);
    pipeline(file, res, done);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
