/**
 * half-fix. Adds a listener that only holds a WeakRef to the response and never removes it: the file and the response can go, but one listener per download piles up on fileEvents for ever, and each 'changed' calls all of them.
 * Proof: /work/rt/c/drive02.mjs, 3 rounds: 24 listeners left (32 after the contract), 0 bytes, responses collected after gc (FinalizationRegistry count 0).
 * Check: FAIL on listeners (28) and responses (28, with a note that the check never empties WeakRefs). RIGHT VERDICT
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);

  // Hold the response weakly: once the download is over it can be collected, listener or not.
  const download = new WeakRef(res);
  fileEvents.on('changed', (changed: string) => {
    const res = download.deref();
    if (changed === name && res && !res.writableFinished) res.destroy();
  });

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
