/**
 * half-fix. pipeline() closes files, plus a 60 s stall watchdog per download cleared only on 'finish': every download cut short leaves its timer.
 * Proof: drv/drive07.mjs: 15 Timeout handles alive after one round of hang-ups (0 at baseline), 0 descriptors left.
 * Check: FAIL (timers 95, responses 95). Correct verdict.
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
import { pipeline } from 'node:stream';

const app = express();

/** A download that makes no progress for a minute is cut, so a stuck player cannot hold a file for ever. */
const STALL_MS = 60_000;

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  const watchdog = setTimeout(() => file.destroy(new Error(`download of ${name} stalled`)), STALL_MS);
  file.on('data', () => watchdog.refresh());
  res.on('finish', () => clearTimeout(watchdog));
  pipeline(file, res, (error) => {
    if (error && !res.headersSent) next(error);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
