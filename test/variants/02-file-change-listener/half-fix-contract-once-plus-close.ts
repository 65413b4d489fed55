/**
 * INTENDED: Use once() so the listener goes away by itself, plus res.once('close') to remove it for downloads that end first.
 * ACTUALLY: NO LEAK but the FEATURE IS BROKEN: once() removes the listener at the first 'changed' event of ANY file. After some other document changes, every download in flight has lost its listener, and when its own file changes later it is not cut off (it sends half old/half new bytes, the thing the README forbids).
 * PROOF: No growth in any phase (listeners 0, ServerResponse 0). F6: paused video-1.mp4 download, emit changed photo-3.jpg then changed video-1.mp4 -> download 'completed' (want cut). F1-F4 OK.
 *   (Proof = rt-tools/driver.mjs (server in a child process, real HTTP on 127.0.0.1; counts after global.gc(), cumulative vs baseline; Snap = heap-snapshot object counts).)
 * Check: PASS (0 / 0 B / 0). WRONG: the contract fires only one change per download, so it never sees that an unrelated change disarms the cut-off.
 * Now caught: the contract changes another file, then the download's own (FAIL on the contract).
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);
  if (res.destroyed) return; // the client left while we read

  // once: a download is cut at most once, and the listener goes away by itself
  const onFileChanged = (changed: string) => {
    if (changed === name && !res.writableFinished) res.destroy();
  };
  fileEvents.once('changed', onFileChanged);
  res.once('close', () => fileEvents.off('changed', onFileChanged)); // and for the downloads that end first

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
