/**
 * INTENDED: One shared listener + Map name -> res (one download per document), deleted on res 'close'.
 * ACTUALLY: BROKEN FEATURE (second download of the same file overwrites the first, which is then never cut) and LEAKS one response per name whose client left during the read ('close' registered too late).
 * PROOF: F2: two downloads of video-1.mp4, changed -> 'completed' + 'cut' (want cut cut). hang up before first byte x2 -> ServerResponse +2.
 *   (Proof = rt-tools/driver.mjs (server in a child process, real HTTP on 127.0.0.1; counts after global.gc(), cumulative vs baseline; Snap = heap-snapshot object counts).)
 * Check: FAIL (responses 1 + contract: 'Of two downloads of video-1.mp4 in flight when it changed, the first ran to the end'). RIGHT.
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// one listener for the whole service; the download in flight for each document
const inFlight = new Map<string, express.Response>();
fileEvents.on('changed', (changed: string) => {
  const res = inFlight.get(changed);
  if (res && !res.writableFinished) res.destroy();
});

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);

  inFlight.set(name, res);
  res.on('close', () => { if (inFlight.get(name) === res) inFlight.delete(name); });

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
