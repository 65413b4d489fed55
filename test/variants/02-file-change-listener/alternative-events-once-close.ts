/**
 * KIND: correct
 * INTENDED: the handler itself waits for its response to close (events.once, subscribed before the first
 *           await so a hang-up during the read is not missed), then unsubscribes.
 * ACTUALLY: right: the 'close' promise is created before the first await, so hang-ups during the read are seen; the listener is removed as the response closes, on every path (404 never adds one).
 * PROOF: drive02.mjs: 0 listeners / 0 MiB at t+0.5 s; byte-exact 24/24; contract cut/finish/cut OK.
 * Check: PASS. RIGHT.
 */
import express from 'express';
import { once } from 'node:events';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const closed = once(res, 'close').catch(() => undefined);
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
    await closed;
  } finally {
    fileEvents.off('changed', onFileChanged);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
