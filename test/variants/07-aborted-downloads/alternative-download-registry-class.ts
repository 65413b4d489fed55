/**
 * VARIANT c4-registry-class.ts: class DownloadRegistry: Map of downloads in flight (for /admin/downloads), entry deleted and file destroyed in finished(res).
 * CORRECT.
 * Proof (my driver, redteam/07/drivers/): drive07.mjs: 0 fds, 0 responses live on every path.
 * Check's verdict: PASS. RIGHT (still: its Map never has room for more than the downloads in flight).
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();
import { finished } from 'node:stream';
import type { ReadStream } from 'node:fs';

class DownloadRegistry {
  static #next = 0;
  readonly inFlight = new Map<number, { name: string; startedAt: number; file: ReadStream }>();
  track(name: string, file: ReadStream, res: express.Response): void {
    const id = DownloadRegistry.#next++;
    this.inFlight.set(id, { name, startedAt: Date.now(), file });
    finished(res, () => {
      this.inFlight.delete(id);
      file.destroy();
    });
  }
}
const downloads = new DownloadRegistry();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  if (res.destroyed) { file.destroy(); return; }
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  downloads.track(name, file, res);
  file.pipe(res);
});

app.get('/admin/downloads', (_req, res) => { res.json([...downloads.inFlight.values()].map(({ name, startedAt }) => ({ name, startedAt }))); });

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
