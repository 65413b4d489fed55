/**
 * half-fix. Web streams instead of Node pipes: Readable.toWeb(file).pipeThrough(new CompressionStream('gzip')), back to Node with Readable.fromWeb() and stream.pipeline() into the response; the plain branch uses stream.pipeline() too.
 * Proof: drivers/drv11.mjs: 0 fds after every kind of abort; drivers/peak11.mjs: one client that accepts gzip and pauses on video-1.mp4 makes the server hold +27.9 MiB of Buffers after 5 s (stream.pipeline: +0.2 MiB). Node 20's toWeb/CompressionStream read the file ahead regardless of the reader.
 * Check: FAIL (breach: 28.0 MiB held for the paused gzip and iOS video downloads). Correct verdict.
 */
import express from 'express';
import path from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { CompressionStream, type ReadableStream } from 'node:stream/web';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.vary('accept-encoding');
  const done = (error?: Error | null) => {
    if (error && !res.headersSent) next(error);
  };
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    const gzipped = (Readable.toWeb(file) as ReadableStream<Uint8Array>).pipeThrough(new CompressionStream('gzip'));
    // pipeline destroys the Node side on a hang-up, which cancels the web stream back to the file.
    pipeline(Readable.fromWeb(gzipped), res, done);
  } else {
    res.setHeader('content-length', size);
    pipeline(file, res, done);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
