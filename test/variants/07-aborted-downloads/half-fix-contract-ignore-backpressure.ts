/**
 * half-fix. Closes the file on res 'close' (and at once when res is already destroyed) but forwards chunks with file.on('data', c => res.write(c)) ignoring write()'s false.
 * Proof: drv/drive07.mjs: 0 descriptors left, but a player paused after 256 KiB made the server hold 27.6 MiB of arrayBuffers.
 * Check: FAIL (contract breach: paused player, 27.9 MiB held). Correct verdict.
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
  if (res.destroyed) {
    file.destroy();
    return;
  }
  res.on('close', () => file.destroy());
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
