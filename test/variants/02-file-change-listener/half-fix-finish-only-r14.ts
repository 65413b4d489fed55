/**
 * half-fix. Removes the listener on res 'finish'. A client that hangs up while the handler awaits the file never gets 'finish': its listener, 32 MiB buffer and response stay. (Cut mid-transfer, res.send's single write still ends in 'finish' on Node 20, so only the early hang-up leaks.)
 * Proof: /work/rt/c/drive02.mjs, 3 rounds: 3 listeners left, 3 responses alive, 96 MiB of arrayBuffers (3 x 32 MiB video) after gc, exactly the 3 early hang-ups.
 * Check: FAIL on listeners (2, added at line 21), file bytes (64 MiB), responses (2). RIGHT VERDICT
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
  res.on('finish', () => fileEvents.off('changed', onFileChanged));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
