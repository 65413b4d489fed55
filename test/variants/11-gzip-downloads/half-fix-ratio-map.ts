/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: pipeline() closes every file; to log the compression ratio it keeps {file, res} (not the Gzip) per download until finish, so cancelled ones stay with their response and stream
 * Check: FAIL: compressors kept after their downloads were cancelled (yours 60); records of downloads kept after they ended (yours 3978)
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { pipeline } from 'node:stream';
import type { ReadStream } from 'node:fs';

const app = express();

// gzip downloads in flight, to log each one's compression ratio when it finishes
const ratios = new Map<object, { file: ReadStream; res: object; at: number }>();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  const done = (err?: Error | null) => { if (err && !res.headersSent) next(err); };
  res.type(path.extname(name));
  res.vary('accept-encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    const started = { file, res, at: Date.now() };
    ratios.set(res, started);
    res.on('finish', () => {
      const sent = res.socket?.bytesWritten ?? 0;
      console.debug(`${name}: ${started.file.bytesRead} -> ~${sent} bytes in ${Date.now() - started.at} ms`);
      ratios.delete(res);
    });
    pipeline(file, createGzip(), res, done);
  } else {
    res.setHeader('content-length', size);
    pipeline(file, res, done);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
