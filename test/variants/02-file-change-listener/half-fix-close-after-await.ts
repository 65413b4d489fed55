/**
 * INTENDED: Remove the listener on res 'close' (covers finish and hang-up).
 * ACTUALLY: LEAKS for clients that hang up while the handler awaits readStoredFile: 'close' has already fired when the listener is attached.
 * PROOF: driver (readFile held until the server saw the hang-up): 2 listeners, 2 responses, +66 MiB left.
 * Check: FAIL (listeners yours 2, bytes 64.0 MiB, responses 2). RIGHT.
 * The same code (comments aside) was also written, blind, as half-fix-close-after-await-r14.ts; it is checked once, here. Its notes:
 *   half-fix. Removes the listener on res 'close' (the right event), but registers it after the await, like the listener: a client that hung up while the file was read has already closed, so 'close' never comes again and the listener stays.
 *   Proof: /work/rt/c/drive02.mjs, 3 rounds: 3 listeners, 3 responses, 96 MiB left after gc, the 3 early hang-ups.
 *   Check: FAIL on listeners (2), file bytes (64 MiB), responses (2). RIGHT VERDICT
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
  // 'close' comes however the response ends: finished, or the client hung up.
  res.on('close', () => fileEvents.off('changed', onFileChanged));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
