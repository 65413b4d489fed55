/**
 * KIND: half-fix. Intended: "destroy the file when the response closes, however it ends".
 * Actually: the 'close' listener is added after the awaits (stat, open); a client that hangs up before the
 * first byte (while the file is being opened) has already closed the response, 'close' never fires again,
 * and the freshly opened file is piped into a dead response and keeps its descriptor.
 * PROOF (by hand, variants/_hand/h11*.ts): 0 fds after 20 hang-ups at 128 KiB (gzip and plain); +10 after 10 gzip hang-ups before the first byte, +10 after 10 plain ones.
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
  res.once('close', () => file.destroy());
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
