/**
 * INTENDED: Remove on res 'finish' or req 'aborted'.
 * ACTUALLY: LEAKS on the hang-up before the first byte: 'aborted' is only emitted for an incomplete request body (a GET is complete at once) and was emitted, if at all, before the listener existed; 'finish' never comes.
 * PROOF: hang up before first byte x2 -> listeners +2, ServerResponse +2; mid-transfer hang-ups 0 (there 'finish' fires in Node 20). Feature OK.
 *   (Proof = rt-tools/driver.mjs (server in a child process, real HTTP on 127.0.0.1; counts after global.gc(), cumulative vs baseline; Snap = heap-snapshot object counts).)
 * Check: FAIL (listeners 2, bytes 0 B, responses 2). RIGHT.
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
    if (changed === name && !res.writableFinished) res.destroy();
  };
  const stop = () => fileEvents.off('changed', onFileChanged);
  fileEvents.on('changed', onFileChanged);
  res.on('finish', stop);   // downloaded to the end
  req.on('aborted', stop);  // client hung up

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
