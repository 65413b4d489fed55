/**
 * VARIANT c3-filehandle-loop-race.ts: FileHandle read loop, waits for 'drain' with once(res,'drain',{signal}) aborted on res 'close', fh.close() in finally.
 * CORRECT.
 * Proof (my driver, redteam/07/drivers/): drive07.mjs: 0 fds, 0 FileHandles on every path; paused player holds 0.1 MiB and completes.
 * Check's verdict: PASS. RIGHT (still, with photos cut off too and the collections measure).
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { FILES_DIR } from '#service/storage';

app.get('/files/:name', async (req, res, next) => {
  const gone = new AbortController();
  res.once('close', () => gone.abort());
  let fh;
  try {
    const name = checkFileName(req.params.name);
    const size = await storedFileSize(name);
    fh = await open(path.join(FILES_DIR, name), 'r');
    if (gone.signal.aborted) return;
    res.type(path.extname(name));
    res.setHeader('content-length', size);
    res.setHeader('cache-control', 'private, max-age=3600');
    let position = 0;
    while (position < size) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, size - position));
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0 || gone.signal.aborted) break;
      position += bytesRead;
      if (!res.write(chunk.subarray(0, bytesRead))) await once(res, 'drain', { signal: gone.signal });
    }
    if (!gone.signal.aborted) res.end();
  } catch (error) {
    if (!gone.signal.aborted) next(error);
  } finally {
    await fh?.close();
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
