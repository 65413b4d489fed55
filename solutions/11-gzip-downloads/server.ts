/**
 * Downloads for the analytics team: GET /files/:name streams a stored file,
 * access logs and CSV exports above all. Text compresses well, so when the
 * client accepts gzip the service compresses on the fly, and a 16 MiB log
 * travels as less than 3 MiB. Other clients get the file as it is.
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
  // A client that hung up while the file was opening is gone already: newer Node versions refuse to pipe into its
  // closed response (pipeline throws ERR_STREAM_UNABLE_TO_PIPE) and would leave the file open.
  if (res.destroyed) {
    file.destroy();
    return;
  }
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
    pipeline(file, res, done);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
