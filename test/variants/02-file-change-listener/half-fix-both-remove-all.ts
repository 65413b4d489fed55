/**
 * half-fix. On res 'close' calls fileEvents.removeAllListeners('changed'). Leaks the early hang-ups (registered after the await, as in close-after-await), and when any download ends it removes every other download's listener, so those are no longer cut.
 * Proof: /work/rt/c/drive02.mjs, 3 rounds: 1-3 listeners and 32-96 MiB left after gc (early hang-ups); contract: a video download in flight while another download finished ran to the end after changed(video-1.mp4).
 * Check: FAIL on listeners (2), file bytes (64 MiB), responses (2); nothing said about the broken cut-off. RIGHT VERDICT (for the leak; see half-fix-remove-all-guarded.ts)
 * Round 14: the contract lets a download of photo-2.jpg end while video-1.mp4's is in flight, then changes video-1.mp4: FAIL on the leak and on the cut-off ("ran to the end although the file changed"), so half-fix-both-.
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
  res.on('close', () => fileEvents.removeAllListeners('changed'));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
