/**
 * KIND: half-fix-contract (the red team filed it as a half fix for its read-ahead; it passed here while 11's contract
 * had no paused client). Check: FAIL on the contract, every measure passing: a paused gzip client of video-1.mp4 made the
 * server hold 28.2 MiB more in Buffers (bar 8 MiB); the plain paused client 0.1 MiB. Since the contract's paused
 * clients hang up once measured (a player closed while paused), it crashes on Node 20 and 22 instead: "Invalid state:
 * Controller is already closed", uncaught in node:internal/webstreams (VERDICT_FROM_NODE). Descriptors are fixed (0 left after 40
 * hang-ups of every kind) and plain downloads stay bounded (4 paused clients: 0.9 MiB), but Node 20's
 * CompressionStream reads ahead without bound: 4 paused gzip clients = 29.5 MiB of live Buffers (pipeline(): 0.7).
 * Design: Web Streams that pull: ReadableStream.from(file) (reads the next chunk
 * only when asked) -> CompressionStream('gzip') -> a WritableStream that honours res.write()'s return value
 * (waits for 'drain'); pipeTo() gets an AbortSignal fired by res 'close' (registered before any await), which cancels the
 * source, and cancelling ReadableStream.from() returns the file's async iterator, which destroys the file.
 * PROOF (by hand, variants/_hand/h11*.ts): 0 fds after 40 hang-ups; 4 paused clients: 29.5 MiB (gzip) / 0.9 MiB (plain).
 */
import express from 'express';
import path from 'node:path';
import type { ReadStream } from 'node:fs';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res) => {
  const gone = new AbortController();
  let file: ReadStream | undefined;
  res.once('close', () => {
    gone.abort();
    file?.destroy();
  });
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  file = await openStoredFile(name);
  if (gone.signal.aborted) {
    file.destroy();
    return;
  }
  res.type(path.extname(name));
  res.vary('accept-encoding');
  let source = (ReadableStream as unknown as { from(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> }).from(file as AsyncIterable<Uint8Array>);
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    source = source.pipeThrough(new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
  } else {
    res.setHeader('content-length', size);
  }
  const sink = new WritableStream<Uint8Array>({
    // Node's backpressure contract: when write() returns false, wait for 'drain' (or the end of the response).
    write: (chunk) => (res.write(chunk) ? undefined : new Promise<void>((resolve) => {
      const done = () => { res.off('drain', done); res.off('close', done); resolve(); };
      res.on('drain', done);
      res.on('close', done);
    })),
    close: () => new Promise<void>((resolve) => res.end(resolve)),
  });
  try {
    await source.pipeTo(sink, { signal: gone.signal });
  } catch {
    file.destroy();
    res.destroy();
  }
});

app.use(answerErrors);

export default app;
