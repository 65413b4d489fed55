/**
 * half-fix. The canonical close-on-hang-up (tracked from the first line, pipe()), plus a graceful-shutdown process.once('SIGTERM') per download made in a helper that closes over the file only, removed only on 'finish': every hang-up leaves a listener on process.
 * Proof: drv/drive-rec.mjs abort 500: process SIGTERM listeners 20 -> 520, heap +10 KB per aborted download; drv/drive07.mjs: 0 descriptors left at every hang-up point.
 * Check: FAIL (responses 59: the destroyed ReadStream still reaches its response). Correct verdict.
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
import type { ReadStream } from 'node:fs';

const app = express();

/** Graceful shutdown: a SIGTERM closes the files of the downloads in flight. Returns the way to stop watching. */
function closeOnShutdown(file: ReadStream): () => void {
  const onShutdown = () => file.destroy();
  process.once('SIGTERM', onShutdown);
  return () => process.off('SIGTERM', onShutdown);
}

app.get('/files/:name', async (req, res, next) => {
  let gone = false;
  let file: ReadStream | undefined;
  res.on('close', () => {
    gone = true;
    file?.destroy();
  });
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  file = await openStoredFile(name);
  if (gone) {
    file.destroy();
    return;
  }
  res.on('finish', closeOnShutdown(file));
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
