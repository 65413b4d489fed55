/**
 * KIND: half-fix. Intended: "the gzip chain leaks when the dashboard cancels, so use pipeline() there".
 * Actually: only the gzip branch uses pipeline(); the plain branch (no Accept-Encoding: gzip) still does file.pipe(res),
 * so a client without gzip that hangs up mid-transfer still leaks the file's descriptor.
 * Proof: see PROOF line below (filled in after the hand test).
 * PROOF (by hand, variants/_hand/h11*.ts): fixture fds open after 10 of each: gzip aborted@128KiB 0, plain aborted@128KiB +10, gzip hang-up before first byte 0, plain hang-up before first byte +10.
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { answerErrors } from '#service/http-errors';
import { pipeline } from 'node:stream';

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
    pipeline(file, createGzip(), res, () => {});
  } else {
    res.setHeader('content-length', size);
    file.pipe(res);
  }
});

app.use(answerErrors);

export default app;
