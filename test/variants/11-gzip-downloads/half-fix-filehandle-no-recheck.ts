/**
 * Downloads for the analytics team: GET /files/:name streams a stored file,
 * access logs and CSV exports above all. Text compresses well, so when the
 * client accepts gzip the service compresses on the fly, and a 16 MiB log
 * travels as less than 3 MiB. Other clients get the file as it is.
 */
/**
 * half-fix (written as an alternative; my own bug). Intended: FileHandle + for-await + drain with an AbortController on res 'close'.
 * Actually: if the client hangs up while fs.promises.open is pending, 'close' fired before the listener was added. The loop then writes to a destroyed res and waits for ever on a 'drain' that never comes; the fd stays open until GC closes the FileHandle (with a warning).
 * Proof: fd.mjs gzip HOLD_SKIP=1 (holds the open): 4 fds open after 4 pre-byte hang-ups, closed only by the forced gc() later; HOLD_SKIP=0: 0.
 * Check: PASS (0) -> SLIPPED: the checker holds the stat, never the open, despite the README saying 'stat or open'.
 * Then an open hole: the checker hung up at each await in turn, the open included, but it collects the garbage
 * before it reads the descriptors, and the collection closed the abandoned FileHandle (with Node's warning).
 * Caught since the harness counts a descriptor closed by the garbage collector as left open:
 * 10 × access-log.csv (closed by the garbage collector, not by the code), opened at line 32.
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { FILES_DIR } from '#service/storage';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  if (res.destroyed) return;
  const handle = await open(path.join(FILES_DIR, name), 'r');
  const gone = new AbortController();
  res.once('close', () => gone.abort());
  const gzip = req.acceptsEncodings('gzip', 'identity') === 'gzip' ? createGzip() : undefined;
  try {
    if (gone.signal.aborted) return;
    res.type(path.extname(name));
    res.vary('accept-encoding');
    if (gzip) res.setHeader('content-encoding', 'gzip');
    else res.setHeader('content-length', size);
    const source = handle.createReadStream({ autoClose: false });
    const chunks: AsyncIterable<Buffer> = gzip ? source.pipe(gzip) : source;
    gone.signal.addEventListener('abort', () => { source.destroy(); gzip?.destroy(); });
    for await (const chunk of chunks) {
      if (!res.write(chunk)) await once(res, 'drain', { signal: gone.signal });
    }
    res.end();
  } catch (error) {
    if (!gone.signal.aborted) next(error);
  } finally {
    gzip?.destroy();
    await handle.close();
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
