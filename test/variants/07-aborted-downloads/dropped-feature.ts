/**
 * Scenario 07 with the feature gone: large files (the videos) are no longer
 * served, so nothing is left open when a player hangs up. Must fail the
 * functional contract only.
 */
import express from 'express';
import path from 'node:path';
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
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  file.on('error', next);
  file.pipe(res);
});

app.use(answerErrors);

export default app;
