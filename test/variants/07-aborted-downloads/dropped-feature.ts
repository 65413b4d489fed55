/**
 * Scenario 07 with the feature gone: large files (the videos) are no longer
 * served, so nothing is left open when a player hangs up; the photos it still
 * serves go through pipeline(), which closes them when their client hangs up
 * too. Must fail the functional contract only.
 */
import express from 'express';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { answerErrors } from '#service/http-errors';

const app = express();

const LARGEST_DOWNLOAD = 8 * 1024 * 1024;

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  if (size > LARGEST_DOWNLOAD) {
    res.status(403).json({ error: 'large files are not available for download' });
    return;
  }
  const file = await openStoredFile(name);
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
