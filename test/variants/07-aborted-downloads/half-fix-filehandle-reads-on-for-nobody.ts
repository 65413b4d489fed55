/**
 * Half fix (written with the FileHandle reads on the check's disk): a read loop on an fs.promises FileHandle that
 * closes the handle in a finally, but when the player hangs up it only stops writing, not reading: it reads the
 * video to its end for nobody before the finally closes the file. On a fast disk that takes a few milliseconds;
 * on a busy disk every cancelled player keeps its file open for as long as the rest of the video takes to read.
 * Proof by hand: the check's disk answers reads after a hang-up last (after the first 8): the descriptors stay
 * open, each named by the line of the open and "read on after its client had gone".
 * Check: FAIL on file descriptors (before FileHandle reads met the check's disk: PASS).
 */
import express from 'express';
import path from 'node:path';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { FILES_DIR, checkFileName, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();
const CHUNK = 64 * 1024;

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name); // 404 for an unknown name
  const handle = await open(path.join(FILES_DIR, name), 'r');
  try {
    res.type(path.extname(name));
    res.setHeader('content-length', size);
    res.setHeader('cache-control', 'private, max-age=3600');
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    for (let position = 0; position < size; ) {
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(CHUNK), 0, CHUNK, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      // The player has gone: stop writing (but read on, to the end).
      if (res.destroyed) continue;
      if (!res.write(buffer.subarray(0, bytesRead))) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
    if (!res.destroyed) res.end();
  } catch (error) {
    next(error);
  } finally {
    await handle.close();
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
