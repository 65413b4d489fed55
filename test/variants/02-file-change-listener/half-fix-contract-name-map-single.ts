/**
 * half-fix. One listener for all downloads and a Map from file name to THE response downloading it. No leak, but a second download of the same document replaces the first in the Map: the first is no longer cut off when the file changes (two people downloading the same document).
 * Proof: /work/rt/c/drive02.mjs: 0 listeners; contract: two paused downloads of video-1.mp4, changed('video-1.mp4') -> one cut, the other ran to the end; a download whose twin hung up is not cut either.
 * Check: FAIL on "the service must still do its job" ("Of two downloads of video-1.mp4 in flight when it changed, the first ran to the end"). RIGHT VERDICT
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

/** The download in flight for each document, and one listener for all of them. */
const downloads = new Map<string, express.Response>();
fileEvents.on('changed', (changed: string) => {
  const res = downloads.get(changed);
  if (res && !res.writableFinished) {
    console.warn(`${changed} changed during a download; cutting it off`);
    res.destroy();
  }
});

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);
  if (res.destroyed) return;
  downloads.set(name, res);
  res.on('close', () => {
    if (downloads.get(name) === res) downloads.delete(name);
  });
  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
