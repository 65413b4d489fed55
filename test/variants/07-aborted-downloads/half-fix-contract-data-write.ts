/**
 * INTENDED: take control of the stream instead of pipe(): write each chunk to the response
 *   and destroy the file on the response's 'close' (registered before the awaits, with a
 *   guard for players gone before the stream exists).
 * ACTUALLY: no descriptor leaks, but res.write()'s return value is ignored: the file is read
 *   as fast as the disk allows whatever the player does, so a paused player makes the
 *   server buffer the rest of the 32 MiB video in memory (per paused player). The
 *   "a player that pauses does not make the server hold the whole file" feature is gone.
 * PROOF: driver.mjs (real HTTP: 4 photos + the video to the end, 20 video downloads that hang up after 256 KiB (4 at a time), 10 Range bytes=16777216- that hang up after 64 KiB, 4 hang-ups before the first byte with fs.promises stat/open slowed to 300 ms (leaving at 100 ms = first await, 450 ms = second), 4 HEAD, 8 photos on one kept-alive connection, a paused player for 2 s, then 500 more aborted downloads; fds = /proc/self/fd entries pointing into .fixtures/files): 0 fds at every stage; but a paused player made the server hold +28 MiB of Buffers (arrayBuffers after gc, vs +0.13 MiB with pipe/pipeline).
 * Check: FAIL ('the server held 28.1 MiB more in Buffers'). RIGHT.
 */
import type { ReadStream } from 'node:fs';
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  let file: ReadStream | undefined;
  res.on('close', () => file?.destroy());
  const size = await storedFileSize(name);
  file = await openStoredFile(name);
  if (res.destroyed) {
    file.destroy();
    return;
  }
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  file.on('data', (chunk) => res.write(chunk));
  file.on('end', () => res.end());
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
