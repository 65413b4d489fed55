/**
 * RED-TEAM VARIANT
 * half-fix-contract. Intent: always remove the listener in a finally right after res.send().
 * Actually: send() returns as soon as the bytes are queued, so the listener is gone for the whole transfer: changes no longer cut anything.
 * Proof: video paused at 1 MiB, emit changed(video-1.mp4) -> download 'ended:33554432' (not cut). 0 listeners, 0.1 MiB.
 * Check: FAIL on the contract (caught).
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
  try {
    res.type(name).send(file);
  } finally {
    fileEvents.off('changed', onFileChanged); // always clean up, whatever send did
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
