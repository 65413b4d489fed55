/**
 * half-fix. As remove-all, plus `if (req.destroyed) return` before adding the listener, so nothing leaks. But every download's end calls removeAllListeners('changed'): a download still in flight when another download (of any file) ends is no longer cut off when its file changes, and every other 'changed' listener in the process (another module's cache) is wiped too.
 * Proof: /work/rt/c/drive02.mjs, 3 rounds: 0 listeners, 0 responses, 0 MiB left; contract: start video-1.mp4 (paused after 1 MiB), download photo-2.jpg to the end, then emit changed('video-1.mp4'): the video download ran to the end (33,554,432 bytes), where the scenario's own server cut it.
 * Check: PASS (all four lines green). WRONG VERDICT (the README's promise "every download still in flight when its file changes must still be cut off" is broken as soon as downloads overlap)
 * Round 14: the check was changed for it: a download of video-1.mp4 is paused while a download of photo-2.jpg runs to its end, then video-1.mp4 changes: it must be cut off. FAIL (the contract) now.
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
  if (req.destroyed) return; // the client hung up while the file was read
  fileEvents.on('changed', onFileChanged);
  // The download is over, however it ended: clean up the file-change listeners.
  res.on('close', () => fileEvents.removeAllListeners('changed'));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
