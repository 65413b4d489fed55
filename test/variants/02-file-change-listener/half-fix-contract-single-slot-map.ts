/**
 * INTENDED: One shared listener and a Map name -> the download in flight.
 * ACTUALLY: NO LEAK but BROKEN FEATURE: a second download of the same file overwrites the first; only the last one is cut when the file changes.
 * PROOF: driver: 0 listeners/responses left; 3 concurrent downloads of video-1.mp4 on change: ['complete','complete','cut'].
 * Check: FAIL ('Of two downloads of video-1.mp4 in flight when it changed, the first ran to the end'). RIGHT.
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

/** The download in flight for each file: one listener for all of them instead of one per download. */
const inFlight = new Map<string, express.Response>();
fileEvents.on('changed', (changed: string) => {
  const res = inFlight.get(changed);
  if (res && !res.writableFinished) {
    console.warn(`${changed} changed during a download; cutting it off after ${res.socket?.bytesWritten ?? 0} bytes`);
    res.destroy();
  }
});

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  res.on('close', () => {
    if (inFlight.get(name) === res) inFlight.delete(name);
  });
  const file = await readStoredFile(name);
  if (res.destroyed) return;
  inFlight.set(name, res);
  res.type(name).send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
