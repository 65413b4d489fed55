/**
 * INTENDED: pipeline() (it closes the file when a player hangs up mid-transfer) plus a guard
 *   after each await for players that left while the handler waited: "if the response is
 *   gone, stop here".
 * ACTUALLY: the guard after the second await returns without closing the stream that
 *   openStoredFile() has just opened. A player that hangs up while the file is being opened
 *   leaks one descriptor, for ever, every time: rarer than the original leak (it needs the
 *   hang-up to land in that window: slow disks, busy event loops, players that seek fast),
 *   but unbounded: EMFILE after enough of them.
 * PROOF: driver-second-await.mjs (fs stat/open slowed to 300 ms): 4 hang-ups during the first await -> 0 fds; 50 hang-ups during the second await -> 50 fds left open (alternative-pipeline-guarded: 0). driver.mjs: 2 fds after the 4 early hang-ups (the 2 in the second await), 0 from mid-transfer/Range aborts; features intact.
 * Check: FAIL (10 fds vs bar 4, line 26). RIGHT (the check drives enough hang-ups into the second await to clear the bar).
 */
import { pipeline } from 'node:stream/promises';
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  if (res.destroyed) return;
  const file = await openStoredFile(name);
  if (res.destroyed) return;
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  try {
    await pipeline(file, res);
  } catch (error) {
    if (!res.headersSent) next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
