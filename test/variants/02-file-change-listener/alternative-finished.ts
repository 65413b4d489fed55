/**
 * INTENDED: stream.finished(res, cb) after the read removes the listener (and the cleanup returned by finished).
 * ACTUALLY: CORRECT: finished() calls back for finish, hang-up and for a response already closed during the read; 404/errors never subscribe.
 * PROOF: All phases: listeners 0, ServerResponse 0, IncomingMessage 0, bytes 0. F1-F6 OK.
 *   (Proof = rt-tools/driver.mjs (server in a child process, real HTTP on 127.0.0.1; counts after global.gc(), cumulative vs baseline; Snap = heap-snapshot object counts).)
 * Check: PASS (0 / 0 B / 0). RIGHT.
 */
import express from 'express';
import { finished } from 'node:stream';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);

  const onFileChanged = (changed: string) => {
    if (changed === name && !res.writableFinished) res.destroy();
  };
  fileEvents.on('changed', onFileChanged);
  // finished() calls back however the response ends, and at once if it already has
  const cleanup = finished(res, () => { cleanup(); fileEvents.off('changed', onFileChanged); });

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
