/**
 * RED-TEAM VARIANT
 * half-fix (still leaks). Intent: clean up when the connection closes (covers finished and hung-up downloads).
 * Actually: with keep-alive, one socket carries many downloads; listeners (and their 2-32 MiB files) pile up until the client closes
 * the connection; and a socket that closed before the listener was added never fires.
 * Proof: 24 downloads on a keep-alive agent -> 24 listeners, 48.0 MiB while the agent's sockets are open (0 after agent.destroy());
 * 3 early hang-ups -> 3 listeners, 96.1 MiB kept. Check: PASS quiet and loaded -> SLIPPED.
 * The same code (comments aside) was also written, blind, as half-fix-socket-close-4.ts; it is checked once, here. Its notes:
 *   INTENDED: Remove the listener when the client's connection closes.
 *   ACTUALLY: LEAKS one listener+response+file per download on a kept-alive connection (socket outlives the response), and for pre-first-byte hang-ups (socket already closed).
 *   PROOF: driver: 10 listeners, 10 responses, +82 MiB (8 keep-alive + 2 pre-first-byte).
 *   Check: FAIL (listeners yours 10, bytes 80 MiB, responses 10). RIGHT.
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
  // the connection closing covers both the finished and the hung-up download
  res.socket?.once('close', () => fileEvents.off('changed', onFileChanged));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
