/**
 * RED-TEAM VARIANT
 * half-fix (still leaks). Intent: remove the listener on the request's 'close'.
 * Actually: same hole as finish-only: a client that hangs up before the handler adds the listener (file still being read) leaves it forever.
 * Proof: 0 listeners after 24 full and 2 mid-transfer hang-ups; 3 early hang-ups -> 3 listeners, 96.1 MiB. Cut-off contract OK.
 * Check: PASS -> SLIPPED.
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
  req.once('close', () => fileEvents.off('changed', onFileChanged));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
