/**
 * VARIANT c2-filehandle-weakmap.ts: fs.promises.open + filehandle.createReadStream, finished(res) destroys file and gzip, ratio log through a WeakMap<Response, Gzip>.
 * CORRECT.
 * Proof (my driver, redteam/11/drivers/): drive11.mjs: 0 fds, 0 FileHandle, 0 Gzip live on every path.
 * Check's verdict: PASS. RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();
import { open } from 'node:fs/promises';
import { finished } from 'node:stream';
import type { Gzip } from 'node:zlib';
import { FILES_DIR } from '#service/storage';

const compressorOf = new WeakMap<express.Response, Gzip>();

app.get('/files/:name', async (req, res, next) => {
  try {
    const name = checkFileName(req.params.name);
    const size = await storedFileSize(name);
    const fh = await open(path.join(FILES_DIR, name), 'r');
    if (res.destroyed) { await fh.close(); return; }
    const file = fh.createReadStream({ start: 0, end: Math.max(size - 1, 0) });
    file.on('error', next);
    res.type(path.extname(name));
    res.vary('accept-encoding');
    if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
      res.setHeader('content-encoding', 'gzip');
      const gzip = createGzip();
      compressorOf.set(res, gzip);
      finished(res, (error) => {
        if (!error) console.log(`${name}: ${size} -> ${compressorOf.get(res)?.bytesWritten} bytes`);
        file.destroy();
        gzip.destroy();
      });
      file.pipe(gzip).pipe(res);
    } else {
      res.setHeader('content-length', size);
      finished(res, () => file.destroy());
      file.pipe(res);
    }
  } catch (error) {
    next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
