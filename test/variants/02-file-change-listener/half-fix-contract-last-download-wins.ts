/**
 * INTENDED: one shared listener and a Map from file name to the download in flight, registered before the
 *   read and removed on 'close' (only if it is still ours).
 * ACTUALLY: memory is fine (no listener, no entry left), but the Map holds ONE response per name: when two
 *   people download the same document and it changes, only the later download is cut; the first one
 *   finishes with half old, half new bytes. The README requires both to be cut.
 * PROOF: two paused video downloads, then changed: A ran to the end (33 554 432 B), only B was cut. Check: FAIL (contract).
 */
import express, { type Response } from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const downloadByName = new Map<string, Response>();
fileEvents.on('changed', (changed: string) => {
  const res = downloadByName.get(changed);
  if (res && !res.writableFinished) {
    console.warn(`${changed} changed during a download; cutting it off`);
    res.destroy();
  }
});

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  downloadByName.set(name, res);
  res.once('close', () => {
    if (downloadByName.get(name) === res) downloadByName.delete(name);
  });
  const file = await readStoredFile(name);
  if (res.destroyed) return;
  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
