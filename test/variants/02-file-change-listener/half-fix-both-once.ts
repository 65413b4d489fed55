/**
 * RED-TEAM VARIANT
 * half-fix (still leaks). Intent: `once` so the listener removes itself.
 * Actually: it only goes away when SOME file changes; downloads that finish normally keep theirs.
 * Proof: 24 full downloads -> 24 listeners, 48 MiB; ... 37 listeners, 224 MiB before any 'changed'. Check: FAIL 26 / 112 MiB (caught).
 *   And the contract: once another file has changed, the listener is gone and the download's own change is missed.
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
  // once: the listener removes itself after it has fired
  fileEvents.once('changed', onFileChanged);

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
