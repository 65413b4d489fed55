/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: web streams (Readable.toWeb -> CompressionStream -> Writable.toWeb) with an AbortSignal: closes every file, but on Node 20 Readable.toWeb ignores backpressure, so a client that stops reading makes it read the file on into memory
 * Check: FAIL: While a client without gzip paused its download of access-log.csv (16 MiB), the server held 12.1 MiB more in Buffers: it reads the file faster than the client t…; While a client that accepts gzip paused its download of video-1.mp4 (32 MiB), the server held 28.2 MiB more in Buffers: it reads the file faster than the client…
 */
import express from 'express';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { CompressionStream } from 'node:stream/web';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  if (res.closed) return void file.destroy();
  const gone = new AbortController();
  res.once('close', () => { gone.abort(); file.destroy(); });
  res.type(path.extname(name));
  res.vary('accept-encoding');
  let body = Readable.toWeb(file) as ReadableStream<Uint8Array>;
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    body = body.pipeThrough(new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
  } else {
    res.setHeader('content-length', size);
  }
  body.pipeTo(Writable.toWeb(res), { signal: gone.signal }).catch((err) => {
    file.destroy();
    if (!gone.signal.aborted && !res.headersSent) next(err);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
