/**
 * INTENDED: pipeline() for GET (it destroys the file when the response closes early), a
 *   guard for players that left during the awaits, and, as an optimisation, no 32 MiB disk
 *   read for a HEAD request: answer its headers and end.
 * ACTUALLY: the HEAD branch returns after openStoredFile() without closing the stream it
 *   opened: every HEAD (every player asks for the video's size first) leaks a descriptor.
 * PROOF: driver.mjs (real HTTP: 4 photos + the video to the end, 20 video downloads that hang up after 256 KiB (4 at a time), 10 Range bytes=16777216- that hang up after 64 KiB, 4 hang-ups before the first byte with fs.promises stat/open slowed to 300 ms (leaving at 100 ms = first await, 450 ms = second), 4 HEAD, 8 photos on one kept-alive connection, a paused player for 2 s, then 500 more aborted downloads; fds = /proc/self/fd entries pointing into .fixtures/files): 0 fds after all aborts and early hang-ups, +4 after the 4 HEAD requests (one per HEAD, for ever). Features intact.
 * Check: FAIL (5 fds vs bar 4). RIGHT, but only just: the check sends 5 HEADs and allows 4, so a leak confined to HEAD passes if the check's HEAD count ever drops to 4 or fewer.
 * The kit then asked HEAD twice a round: FAIL with 10, well above the bar of 4.
 */
import { pipeline } from 'node:stream';
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
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  if (res.destroyed) {
    file.destroy();
    return;
  }
  pipeline(file, res, (error) => {
    if (error && !res.destroyed && !res.headersSent) next(error);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
