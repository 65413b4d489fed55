/**
 * KIND: half-fix. Intended: "close the file when the response is done".
 * Actually: destroys the file on res 'finish', which never fires when the client hangs up; aborted downloads keep their fd.
 * PROOF (by hand, variants/_hand/h11*.ts): +10 fds for each of the 4 kinds of hang-up (40 total), same as the original.
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  file.on('error', next);
  res.on('finish', () => file.destroy());
  res.type(path.extname(name));
  res.vary('accept-encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    file.pipe(createGzip()).pipe(res);
  } else {
    res.setHeader('content-length', size);
    file.pipe(res);
  }
});

app.use(answerErrors);

export default app;
