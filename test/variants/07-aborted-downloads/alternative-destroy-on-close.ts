/**
 * Scenario 07, fixed another way: pipe() stays, and the file is destroyed when
 * the response closes, whether the download finished or the client hung up.
 * Must pass.
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  res.on('close', () => file.destroy());
  file.pipe(res);
});

app.use(answerErrors);

export default app;
