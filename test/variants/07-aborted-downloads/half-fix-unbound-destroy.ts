/**
 * INTENDED: the fix from nodejs/node#1834: close the file stream when the response
 *   closes, `res.on('close', file.close)`, registered as soon as the stream exists.
 * ACTUALLY: `file.close` is passed unbound: the emitter calls it with `this` = the
 *   response, and ReadStream#close is `this.destroy()`, so it destroys the (already
 *   closed) response, never the file. Every aborted download still leaves its descriptor
 *   open. (A first version passed `file.destroy` unbound: that one crashes the process on
 *   the first request, `Cannot read properties of undefined (reading 'Symbol(kState)')`,
 *   which nobody would ship; `file.close` fails silently.)
 * PROOF: driver.mjs (real HTTP: 4 photos + the video to the end, 20 video downloads that hang up after 256 KiB (4 at a time), 10 Range bytes=16777216- that hang up after 64 KiB, 4 hang-ups before the first byte with fs.promises stat/open slowed to 300 ms (leaving at 100 ms = first await, 450 ms = second), 4 HEAD, 8 photos on one kept-alive connection, a paused player for 2 s, then 500 more aborted downloads; fds = /proc/self/fd entries pointing into .fixtures/files): fds left: 0 after complete, 20 after the 20 mid-transfer aborts, 30 after the Range aborts, 34 after early hang-ups, 535 after 500 more aborts. Features intact (byte-exact, type, length, 404/400, paused player +0.13 MiB).
 * Check: FAIL (60 fds, line 24). RIGHT.
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
  res.on('close', file.close);
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
