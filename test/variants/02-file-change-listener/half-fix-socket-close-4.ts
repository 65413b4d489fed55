/**
 * INTENDED: Remove the listener when the client's connection closes.
 * ACTUALLY: LEAKS one listener+response+file per download on a kept-alive connection (socket outlives the response), and for pre-first-byte hang-ups (socket already closed).
 * PROOF: driver: 10 listeners, 10 responses, +82 MiB (8 keep-alive + 2 pre-first-byte).
 * Check: FAIL (listeners yours 10, bytes 80 MiB, responses 10). RIGHT.
 */
/**
 * Document downloads for the team drive. Documents can be replaced while
 * someone is downloading them; a download whose file changes mid-transfer is
 * cut off, so the client retries instead of saving half old, half new bytes.
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
  // When the client's connection goes away, stop listening.
  res.socket?.once('close', () => fileEvents.off('changed', onFileChanged));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
