/**
 * RED-TEAM VARIANT
 * half-fix (still leaks). Intent: remove the listener when the response finishes.
 * Actually: on Node 20 'finish' even fires for a client that hangs up mid-transfer (send() hands the whole buffer to the socket), but NOT
 * for a client that hangs up before the first byte (while readStoredFile is pending): res closes before the listener is added.
 * Proof (variants/_probe/p02.ts): 24 full + 2 mid-hang-ups -> 0 listeners; 3 clients that hang up 1 ms after connecting to
 * /files/video-1.mp4 -> 3 listeners and 96.1 MiB arrayBuffers kept forever. Check: PASS quiet and loaded -> SLIPPED.
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
