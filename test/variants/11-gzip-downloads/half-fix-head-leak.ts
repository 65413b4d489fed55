/**
 * HALF FIX: pipeline() in both branches, plus a "HEAD needs no body: don't compress or stream" short cut
 * after the file is opened. The headers are right, but the opened file stream is never read nor
 * destroyed: every HEAD (download managers, link checkers) leaves one descriptor.
 * Proof: drive.mts: 4 descriptors after 2 rounds (the two HEADs per round). Check: FAIL, 10.
 * Check after round 12's fix of 07 and 11: FAIL (unchanged). RIGHT.
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
  const gzip = req.acceptsEncodings('gzip', 'identity') === 'gzip';
  if (gzip) res.setHeader('content-encoding', 'gzip');
  else res.setHeader('content-length', size);
  if (req.method === 'HEAD') return void res.end();
  if (gzip) pipeline(file, createGzip(), res, done);
  else pipeline(file, res, done);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
