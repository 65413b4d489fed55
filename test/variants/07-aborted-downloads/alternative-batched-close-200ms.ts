/**
 * KIND: correct
 * INTENDED: batch the clean-up: a dropped download's file goes on a list that a 200 ms timer empties
 *   (one timer for a burst of hang-ups instead of work on every close).
 * ACTUALLY: Dropped files are closed within 200 ms in one batch; every path (including hang-ups during the awaits) goes through closeLater.
 * PROOF: drive07.mjs: 0 fds at t+0.5, 2, 10 s after all hang-ups (8+4 aborted, 6 during the awaits), all features ok.
 * Check: PASS: yours 0 / listeners 0 -- RIGHT
 */
import express from 'express';
import path from 'node:path';
import type { ReadStream } from 'node:fs';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const toClose: ReadStream[] = [];
let flush: NodeJS.Timeout | undefined;

function closeLater(file: ReadStream): void {
  toClose.push(file);
  flush ??= setTimeout(() => {
    flush = undefined;
    for (const f of toClose.splice(0)) f.destroy();
  }, 200);
}

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  if (res.destroyed) closeLater(file);
  else res.once('close', () => closeLater(file));
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
