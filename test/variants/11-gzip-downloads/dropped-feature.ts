/**
 * Scenario 11 with the feature gone: nothing is gzipped any more (and the
 * file streams through pipeline), so nothing is left open when a client
 * hangs up, but every client downloads the whole 16 MiB. Must fail the
 * functional contract only.
 */
import express from 'express';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  // A client that hung up while the file was opening: Node 24's pipeline throws into a closed response (ERR_STREAM_UNABLE_TO_PIPE) and would leave the file open.
  if (res.destroyed) {
    file.destroy();
    return;
  }
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  pipeline(file, res, (error) => {
    if (error && (error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') next(error);
  });
});

app.use(answerErrors);

export default app;
