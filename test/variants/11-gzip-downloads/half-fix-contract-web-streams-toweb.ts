/**
 * KIND: half-fix-contract (the red team filed it as a half fix for its read-ahead; it passed here while 11's contract
 * had no paused client). Check: FAIL on the contract, every measure passing: paused clients made the server hold
 * 12.1 MiB more in Buffers (plain, access-log.csv) and 16.1 MiB (gzip, video-1.mp4), bar 8 MiB; 07 names
 * Writable.toWeb(res) in the same breach. Intended: Web Streams: Readable.toWeb(file) ->
 * CompressionStream('gzip') -> Writable.toWeb(res); pipeTo() cancels the source when the destination closes
 * early, and a res 'close' listener registered before any await covers a hang-up before the first byte.
 * Actually: descriptors are fixed (0 left after 40 hang-ups of all kinds), but on Node 20 Readable.toWeb()
 * queues by chunk COUNT, so for a client that reads slowly the adapter reads the whole 16 MiB file into memory:
 * 4 paused clients = 58.6 MiB (gzip) / 53.3 MiB (plain) of live Buffers, against 0.7 MiB with pipeline().
 * PROOF (by hand, variants/_hand/h11*.ts): 0 fds after 40 hang-ups of all kinds; 4 clients that pause after 64 KiB: 58.6 MiB (gzip) / 53.3 MiB (plain) live Buffers vs 0.7 / 1.0 MiB for pipeline().
 */
import express from 'express';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res) => {
  let file: import('node:fs').ReadStream | undefined;
  let gone = false;
  res.once('close', () => { gone = true; file?.destroy(); });
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  file = await openStoredFile(name);
  if (gone) { file.destroy(); return; }
  res.type(path.extname(name));
  res.vary('accept-encoding');
  let source = Readable.toWeb(file) as ReadableStream<Uint8Array>;
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    source = source.pipeThrough(new CompressionStream('gzip') as any);
  } else {
    res.setHeader('content-length', size);
  }
  try {
    await source.pipeTo(Writable.toWeb(res));
  } catch {
    file.destroy();
    res.destroy();
  }
});

app.use(answerErrors);

export default app;
