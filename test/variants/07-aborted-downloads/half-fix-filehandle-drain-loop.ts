/**
 * VARIANT h4-filehandle-drain-loop.ts: FileHandle read loop (fs.promises.open + fh.read), backpressure by await once(res,'drain'), fh.close() in finally.
 * HALF FIX.
 * Proof (my driver, redteam/07/drivers/): drivers/calm.mjs: 4 hang-ups mid-video, quiet 5 s: 4 fds still open (loop stuck on a 'drain' that never comes); only a forced gc closes them, Node warns 'Closing file descriptor N on garbage collection' (41 warnings in drive07).
 * Check's verdict: FAIL: file descriptors, 'closed by the garbage collector, not by the code'. RIGHT.
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
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const fh = await open(path.join(FILES_DIR, name), 'r');
  try {
    if (res.destroyed) return;
    res.type(path.extname(name));
    res.setHeader('content-length', size);
    res.setHeader('cache-control', 'private, max-age=3600');
    const buffer = Buffer.alloc(64 * 1024);
    let position = 0;
    while (position < size && !res.destroyed) {
      const { bytesRead } = await fh.read(buffer, 0, Math.min(buffer.length, size - position), position);
      if (bytesRead === 0) break;
      position += bytesRead;
      if (!res.write(Buffer.from(buffer.subarray(0, bytesRead)))) await once(res, 'drain');
    }
    res.end();
  } catch (error) {
    next(error);
  } finally {
    await fh.close();
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
