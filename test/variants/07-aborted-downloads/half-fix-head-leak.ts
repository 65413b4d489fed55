/**
 * HALF FIX: pipeline() for downloads (correct for GET), plus a "HEAD needs no body, don't stream" short
 * cut placed after the file is opened: the HEAD answer is right, but the opened stream is never read nor
 * destroyed, so every HEAD leaves one descriptor on the video. Proof: drive.mts, 3 rounds: 6 descriptors on
 * video-1.mp4 (the two HEADs per round), and 1 more for the contract step's HEAD. Check: FAIL, 10.
 * Check after round 12's fix of 07 and 11: FAIL (unchanged). RIGHT.
 * The same code (comments aside) was also written, blind, as half-fix-head-shortcut-r13.ts; it is checked once, here. Its notes:
 *   half-fix. pipeline() fix plus a HEAD shortcut (`res.end()` without reading) placed after openStoredFile: every HEAD leaves its file open.
 *   Proof: drv/drive07.mjs: +1 descriptor per HEAD request (2 per round), 0 for every hang-up.
 *   Check: FAIL (file descriptors 10). Correct verdict.
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { pipeline } from 'node:stream';

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
  pipeline(file, res, (error) => {
    if (error && !res.headersSent) next(error);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
