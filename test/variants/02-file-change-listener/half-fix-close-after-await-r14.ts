/**
 * half-fix. Removes the listener on res 'close' (the right event), but registers it after the await, like the listener: a client that hung up while the file was read has already closed, so 'close' never comes again and the listener stays.
 * Proof: /work/rt/c/drive02.mjs, 3 rounds: 3 listeners, 3 responses, 96 MiB left after gc, the 3 early hang-ups.
 * Check: FAIL on listeners (2), file bytes (64 MiB), responses (2). RIGHT VERDICT
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);

  const onFileChanged = (changed: string) => {
    if (changed === name && !res.writableFinished) {
      console.warn(`${name} changed during a download; cutting it off after ${res.socket?.bytesWritten ?? 0} of ${file.length} bytes`);
      res.destroy();
    }
  };
  fileEvents.on('changed', onFileChanged);
  res.on('close', () => fileEvents.off('changed', onFileChanged));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
