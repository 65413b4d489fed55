/**
 * INTENDED: take the listener off once the download has finished, a moment
 *   later (setTimeout 100 ms) so that a `changed` racing the last bytes is
 *   still seen.
 * ACTUALLY: LEAKS on hang-ups: 'finish' only comes when the last byte was
 *   handed to the socket. A client that hangs up mid-transfer, or before the
 *   first byte, never gets one: its listener, response and whole document
 *   stay on fileEvents forever (32 MiB per dropped video download).
 * PROOF: drive02.mts: 2 listeners and 64 MiB of arrayBuffers (the two 32 MiB
 *   video reads whose client hung up before the first byte) after gc() at
 *   t+0.4, 2 and 10 s; finished downloads were cleaned within 100 ms.
 * Check: FAIL: listeners yours 2, file bytes 64.0 MiB, responses 2. RIGHT.
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
  res.on('finish', () => {
    setTimeout(() => fileEvents.off('changed', onFileChanged), 100);
  });

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
