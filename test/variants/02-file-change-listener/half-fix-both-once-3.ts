/**
 * INTENDED: `once` so the listener removes itself after it fires.
 * ACTUALLY: LEAKS: a `once` listener stays until ANY file changes; every completed download keeps its listener, response and whole file. Also a download whose file changes after another file changed is not cut.
 * PROOF: driver: 28 listeners, 28 responses, +178 MiB arrayBuffers after traffic; 3 downloads in flight after photo-1 then video-1 changed all ran to the end.
 * Check: FAIL (listeners yours 28; 'must still do its job: ... after photo-2.jpg had changed'). RIGHT.
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

  // Only need to hear about the next change, so `once` cleans itself up.
  fileEvents.once('changed', (changed: string) => {
    if (changed === name && !res.writableFinished) {
      console.warn(`${name} changed during a download; cutting it off after ${res.socket?.bytesWritten ?? 0} of ${file.length} bytes`);
      res.destroy();
    }
  });

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
