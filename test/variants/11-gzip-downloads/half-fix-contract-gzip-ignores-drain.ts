/**
 * INTENDED: pipeline() for the plain branch; the gzip branch feeds the compressor by hand (for await over the file),
 *   and a 'close' listener on the response destroys the file and the compressor however the download ends.
 * ACTUALLY: no descriptor, listener or compressor stays, but the gzip branch ignores what gzip.write() returns: a client
 *   that pauses makes the server read the file on into the compressor's buffer, as much of it as the client has not taken.
 * PROOF: written for the check's gzip paused-client step (kit engineer, not the red team): the plain branch alone streams.
 * Check: FAIL on the contract: a paused gzip client of video-1.mp4 (32 MiB, gzip does not shrink it) makes the server
 *   hold more than 8 MiB in Buffers; the plain paused client passes, every measure passes. RIGHT.
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
  if (res.destroyed) {
    file.destroy();
    return;
  }
  res.type(path.extname(name));
  res.vary('accept-encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    const gzip = createGzip();
    res.on('close', () => {
      file.destroy();
      gzip.destroy();
    });
    gzip.pipe(res);
    try {
      // The compressor buffers what the client has not taken yet.
      for await (const chunk of file) gzip.write(chunk);
      gzip.end();
    } catch (error) {
      if (!res.destroyed) next(error);
    }
  } else {
    res.setHeader('content-length', size);
    pipeline(file, res, (error) => {
      if (error && !res.destroyed) next(error);
    });
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
