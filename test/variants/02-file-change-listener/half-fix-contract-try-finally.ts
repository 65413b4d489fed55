/**
 * INTENDED: try { res.send(file) } finally { off() }.
 * ACTUALLY: NO LEAK but NO FEATURE: res.send() returns at once, so the listener is gone before any byte leaves; no download is ever cut off.
 * PROOF: All phases 0. F1/F2/F4/F6: 'completed' (want cut).
 *   (Proof = rt-tools/driver.mjs (server in a child process, real HTTP on 127.0.0.1; counts after global.gc(), cumulative vs baseline; Snap = heap-snapshot object counts).)
 * Check: FAIL (0 / 0 B / 0 + contract: 'A download of video-1.mp4 ran to the end although the file changed'). RIGHT.
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
  fileEvents.on('changed', onFileChanged);
  try {
    res.type(name).send(file);
  } finally {
    fileEvents.off('changed', onFileChanged);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
