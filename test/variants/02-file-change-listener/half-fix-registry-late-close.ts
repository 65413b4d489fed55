/**
 * INTENDED: one listener for the whole service (added once, at startup) and a registry of the downloads in
 *   flight; each download removes itself from the registry when its response closes.
 * ACTUALLY: the download registers after `await readStoredFile`, and removes itself on `res` 'close'. A client
 *   that hangs up while the file is being read has already fired 'close': its entry (the response, the
 *   request, the socket) stays in the registry for ever. No listener leaks and the entry does not hold the
 *   file, so only the registry grows.
 * PROOF: 100 clients hanging up before the first byte → heap +910 KiB vs ≈100 KiB for the correct fixes; 0 listeners, 0 file bytes. Check: PASS quiet and loaded (slipped).
 * Caught since the check counts the responses kept after their downloads ended (one per client that hung up while
 * the file was read).
 */
import express, { type Response } from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const downloads = new Set<{ name: string; res: Response }>();
fileEvents.on('changed', (changed: string) => {
  for (const download of downloads) {
    if (download.name === changed && !download.res.writableFinished) {
      console.warn(`${changed} changed during a download; cutting it off`);
      download.res.destroy();
    }
  }
});

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);
  const download = { name, res };
  downloads.add(download);
  res.once('close', () => downloads.delete(download));
  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
