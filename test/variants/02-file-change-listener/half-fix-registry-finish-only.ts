/**
 * INTENDED: One shared listener + Set of {name,res}; entries deleted on res 'finish'.
 * ACTUALLY: LEAKS the downloads whose client hung up before the first byte ('finish' never comes).
 * PROOF: hang up before first byte x2 -> ServerResponse +2, IncomingMessage +2 (listeners 0: one shared). Feature OK.
 *   (Proof = rt-tools/driver.mjs (server in a child process, real HTTP on 127.0.0.1; counts after global.gc(), cumulative vs baseline; Snap = heap-snapshot object counts).)
 * Check: FAIL (listeners 0, bytes 0 B, responses 2). RIGHT.
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// one listener for the whole service, and the downloads in flight
const inFlight = new Set<{ name: string; res: express.Response }>();
fileEvents.on('changed', (changed: string) => {
  for (const d of inFlight) if (d.name === changed) d.res.destroy();
});

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);

  const download = { name, res };
  inFlight.add(download);
  res.on('finish', () => inFlight.delete(download));

  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
