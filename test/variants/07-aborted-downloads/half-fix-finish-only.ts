/*
 * RED-TEAM VARIANT (half-fix)
 * Intended: destroy the file stream when the response is done
 * Actually: 'finish' only fires on a complete response; aborted ones never get it
 * Proof:    handtest/t07.ts (fds under .fixtures/files, cumulative): +20 after 20 aborts at 256 KiB, +30 after 10 hangups before the first byte, +40 after 10 at headers, +45 after 5 paused then dropped; same as server.ts
 * The same code (comments aside) was also written, blind, as half-fix-destroy-on-finish.ts; it is checked once, here. Its notes:
 *   VARIANT h1-finish-only.ts: destroys the file on res 'finish' only (pipe kept).
 *   HALF FIX.
 *   Proof (my driver, redteam/07/drivers/): drivers/drive07.mjs: 40 mid-video/Range hang-ups -> 40 fds on video-1.mp4 1 s later (also before gc); 20 early hang-ups (slow disk) -> 20 fds.
 *   Check's verdict: FAIL: file descriptors left open (the videos, and now the photos cut off too). RIGHT.
 */
/**
 * Downloads for the media library: GET /files/:name streams a stored photo or
 * video to the client, without loading it into memory. Videos are large, and
 * players hang up all the time: the viewer seeks, closes the tab, or the phone
 * changes network halfway through.
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
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  // free the descriptor once the download is over
  res.on('finish', () => file.destroy());
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
