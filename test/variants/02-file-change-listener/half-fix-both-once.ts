/**
 * RED-TEAM VARIANT
 * half-fix (still leaks). Intent: `once` so the listener removes itself.
 * Actually: it only goes away when SOME file changes; downloads that finish normally keep theirs.
 * Proof: 24 full downloads -> 24 listeners, 48 MiB; ... 37 listeners, 224 MiB before any 'changed'. Check: FAIL 26 / 112 MiB (caught).
 *   And the contract: once another file has changed, the listener is gone and the download's own change is missed.
 * The same code (comments aside) was also written, blind, as half-fix-both-once-r14.ts; it is checked once, here. Its notes:
 *   half-fix. fileEvents.once instead of on. A download that ends before any file changes leaves its listener (and its file and response) behind as before; and the first change of any other file removes the listener, so the download is no longer cut when its own file changes.
 *   Proof: /work/rt/c/drive02.mjs, 3 rounds (18 full downloads, 3 cut after 1 MiB, 3 hung up early, 12 404s, 3 400s): 24 listeners left, 24 responses alive, 228 MiB of arrayBuffers after gc; contract: changed(photo-1) then changed(video-1) -> the video download ran to the end.
 *   Check: FAIL on all three leak lines (28 listeners, 176 MiB, 28 responses) and "a download must watch its own file until it ends". RIGHT VERDICT
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
