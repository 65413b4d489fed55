/**
 * CORRECT: stream.pipeline in both branches (file -> gzip -> res, file -> res). When the response closes
 * early, even before the handler reaches pipeline(), every stream in the chain is destroyed; the file
 * stream closes its descriptor as soon as it has one. Proof: drive.mts, 2 rounds + keep-alive + contract:
 * 0 descriptors, 0 Gzip alive, paused readers +4 MiB at most.
 * Check after round 12's fix of 07 and 11: PASS (unchanged). RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { pipeline } from 'node:stream';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.vary('accept-encoding');
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
