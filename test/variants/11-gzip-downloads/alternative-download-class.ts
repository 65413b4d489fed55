/**
 * VARIANT c3-download-class.ts: a Download class registered on res 'close' before the first await owns file and gzip; destroys them whichever step was reached.
 * CORRECT.
 * Proof (my driver, redteam/11/drivers/): drive11.mjs: 0 fds, 0 Gzip, 0 listeners on every path.
 * Check's verdict: PASS. RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();
import type { ReadStream } from 'node:fs';
import type { Gzip } from 'node:zlib';

class Download {
  private file?: ReadStream;
  private gzip?: Gzip;
  private over = false;
  constructor(res: express.Response) {
    res.once('close', () => this.end());
  }
  get isOver() { return this.over; }
  adopt(file: ReadStream, gzip?: Gzip) {
    this.file = file; this.gzip = gzip;
    if (this.over) this.end();
  }
  end() {
    this.over = true;
    this.file?.destroy();
    this.gzip?.destroy();
  }
}

app.get('/files/:name', async (req, res, next) => {
  const download = new Download(res);
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  file.on('error', next);
  res.type(path.extname(name));
  res.vary('accept-encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    const gzip = createGzip();
    download.adopt(file, gzip);
    if (download.isOver) return;
    res.setHeader('content-encoding', 'gzip');
    file.pipe(gzip).pipe(res);
  } else {
    download.adopt(file);
    if (download.isOver) return;
    res.setHeader('content-length', size);
    file.pipe(res);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
