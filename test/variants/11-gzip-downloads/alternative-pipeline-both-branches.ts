/**
 * KIND: correct
 * INTENDED: callback pipeline() on both branches: any early close of the response destroys the gzip
 *   stream and the file (and a response that closed while the handler awaited the store too).
 * ACTUALLY: pipeline() on both branches tears down file and gzip on any early close, including a response that closed during the awaits.
 * PROOF: drive11.mjs: gzip / browser / iOS clients get gzip that unpacks exact (2,937,227 bytes), identity gets 16,777,216 with content-length, HEAD same headers no body, 404, 400; 0 fds at t+0 after 12 aborts, 4 HEAD, 4 early hang-ups.
 * Check: PASS: yours 0 -- RIGHT
 * On Node 24 a half fix: pipeline() into a response that closed during the awaits throws ERR_STREAM_UNABLE_TO_PIPE
 * and leaves the file open; the check FAILs it there on descriptors (VERDICT_FROM_NODE in checker/bench-variants.ts).
 */
import express from 'express';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.vary('accept-encoding');
  const done = (error: NodeJS.ErrnoException | null) => {
    if (error && error.code !== 'ERR_STREAM_PREMATURE_CLOSE') next(error);
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
