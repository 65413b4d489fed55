/**
 * Scenario 11, half fixed: the gzip branch, where the incident was seen, now
 * goes through `pipeline`, which destroys the file and the gzip stream when
 * the client hangs up. The plain branch still uses `pipe`: a client that does
 * not accept gzip and cancels leaves the file open. Must fail on memory (its
 * descriptors).
 */
import express from 'express';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  const done = (error: NodeJS.ErrnoException | null) => {
    // A client that hangs up is not a failure of ours; anything else is.
    if (error && error.code !== 'ERR_STREAM_PREMATURE_CLOSE') next(error);
  };
  res.type(path.extname(name));
  res.vary('accept-encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    pipeline(file, createGzip(), res, done);
  } else {
    res.setHeader('content-length', size);
    file.on('error', next);
    file.pipe(res);
  }
});

app.use(answerErrors);

export default app;
