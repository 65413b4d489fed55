/**
 * RED-TEAM VARIANT
 * half-fix (still leaks). Intent: remove the listener when the response finishes.
 * Actually: on Node 20 'finish' even fires for a client that hangs up mid-transfer (send() hands the whole buffer to the socket), but NOT
 * for a client that hangs up before the first byte (while readStoredFile is pending): res closes before the listener is added.
 * Proof (variants/_probe/p02.ts): 24 full + 2 mid-hang-ups -> 0 listeners; 3 clients that hang up 1 ms after connecting to
 * /files/video-1.mp4 -> 3 listeners and 96.1 MiB arrayBuffers kept forever. Check: PASS quiet and loaded -> SLIPPED.
 * The same code (comments aside) was also written, blind, as half-fix-finish-only-3.ts; it is checked once, here. Its notes:
 *   INTENDED: Remove the listener when the response finishes.
 *   ACTUALLY: LEAKS for clients that hang up while the handler awaits readStoredFile (the response never finishes). Surprise: with res.send of one Buffer, 'finish' still fires for mid-transfer hang-ups, so those do not leak.
 *   PROOF: driver: 2 listeners, 2 responses, +66 MiB (the 2 pre-first-byte hang-ups); with the pre-first-byte step skipped (SKIP_PRE=1): 0 listeners, 0 responses.
 *   Check: FAIL (listeners yours 2, bytes 64 MiB, responses 2). RIGHT.
 * The same code (comments aside) was also written, blind, as half-fix-finish-only-r14.ts; it is checked once, here. Its notes:
 *   half-fix. Removes the listener on res 'finish'. A client that hangs up while the handler awaits the file never gets 'finish': its listener, 32 MiB buffer and response stay. (Cut mid-transfer, res.send's single write still ends in 'finish' on Node 20, so only the early hang-up leaks.)
 *   Proof: /work/rt/c/drive02.mjs, 3 rounds: 3 listeners left, 3 responses alive, 96 MiB of arrayBuffers (3 x 32 MiB video) after gc, exactly the 3 early hang-ups.
 *   Check: FAIL on listeners (2, added at line 21), file bytes (64 MiB), responses (2). RIGHT VERDICT
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
