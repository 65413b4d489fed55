/**
 * INTENDED: close the file when the player hangs up: `res.on('close', () => file.destroy())`.
 * ACTUALLY: right for hang-ups mid-transfer, but registered after the two awaits: a player
 *   that hangs up while the handler waits for stat/open has fired 'close' already; the
 *   stream opened after it is piped into a dead response and its descriptor stays open.
 * PROOF: driver.mjs (real HTTP: 4 photos + the video to the end, 20 video downloads that hang up after 256 KiB (4 at a time), 10 Range bytes=16777216- that hang up after 64 KiB, 4 hang-ups before the first byte with fs.promises stat/open slowed to 300 ms (leaving at 100 ms = first await, 450 ms = second), 4 HEAD, 8 photos on one kept-alive connection, a paused player for 2 s, then 500 more aborted downloads; fds = /proc/self/fd entries pointing into .fixtures/files): 0 fds after mid-transfer and Range aborts, 4 after the 4 hang-ups during the awaits (2 in each), still 4 after 500 more mid-transfer aborts. Features intact.
 * Check: FAIL (20 fds, line 20). RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.on('close', () => file.destroy());
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
