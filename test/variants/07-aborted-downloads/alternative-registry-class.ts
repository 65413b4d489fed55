/**
 * Blind red team, round 10 (a correct fix, proven by hand with the team's own driver): correct fix: a Download class and a registry of downloads in flight (for metrics) that forgets each one on res 'close', however it ended, and destroys its file then
 * Check: PASS: every measure and the contract pass
 */
import express from 'express';
import path from 'node:path';
import type { Response } from 'express';
import type { ReadStream } from 'node:fs';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

class Download {
  static inFlight = new Set<Download>();
  file: ReadStream | undefined;
  ended = false;
  constructor(readonly name: string, res: Response) {
    Download.inFlight.add(this);
    const end = () => {
      this.ended = true;
      Download.inFlight.delete(this);
      this.file?.destroy();
    };
    if (res.closed) end();
    else res.once('close', end);
  }
  attach(file: ReadStream) {
    this.file = file;
    if (this.ended) file.destroy();
    return !this.ended;
  }
}

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const download = new Download(name, res);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  if (!download.attach(file)) return;
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
