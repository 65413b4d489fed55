/**
 * KIND: half-fix. Intended: "when the client goes away, tear down the compressor".
 * Actually: destroys the Gzip stream on res 'close'; .pipe() only unpipes the source, so the file ReadStream
 * stays paused with its descriptor open.
 * PROOF (by hand, variants/_hand/h11*.ts): gzip aborted +10, plain aborted 0, gzip early +10, plain early +10.
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
  res.type(path.extname(name));
  res.vary('accept-encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    const gzip = createGzip();
    res.on('close', () => gzip.destroy());
    file.pipe(gzip).pipe(res);
  } else {
    res.setHeader('content-length', size);
    res.on('close', () => file.destroy());
    file.pipe(res);
  }
});

app.use(answerErrors);

export default app;
