/**
 * HALF FIX: pipeline() in both branches (descriptors fine), plus compression statistics for a dashboard:
 * every gzip download pushes its ratio (compressed/original bytes read so far, a double) into a
 * module-level array when the response closes, however it ended, and every cancelled one pushes the time
 * it was cancelled. Nothing ever trims them: two arrays of numbers that grow by one per download for the
 * life of the process. Proof: drive.mts + hook.mts: 100 more cancelled -> ratios 27 -> 127, cancelledAt 31 -> 131. Check: PASS (wrong).
 * Check after round 12's fix of 07 and 11: FAIL on collections grown past the downloads in flight (ratios, cancelledAt: 2 arrays). RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { pipeline } from 'node:stream';

const app = express();

export const ratios: number[] = [];
export const cancelledAt: number[] = [];

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.vary('accept-encoding');
  res.on('close', () => {
    if (!res.writableFinished) cancelledAt.push(Date.now());
  });
  const done = (error?: Error | null) => {
      if (error && !res.headersSent) next(error);
    };
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    const gzip = createGzip();
    res.on('close', () => ratios.push(gzip.bytesWritten / Math.max(file.bytesRead, 1)));
    pipeline(file, gzip, res, done);
  } else {
    res.setHeader('content-length', size);
    pipeline(file, res, done);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
