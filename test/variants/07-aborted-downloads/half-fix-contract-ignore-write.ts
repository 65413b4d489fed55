/**
 * HALF FIX + CONTRACT: the file is destroyed on 'close' (registered before the awaits, and checked after
 * them), so no descriptor is left; but the body is copied with 'data' -> res.write() ignoring write()'s
 * return value: a paused player makes the server read the whole 32 MiB video into the response's buffer.
 * Proof: drive.mts paused reader: arrayBuffers +28.2 MiB (pipeline: +0.2 MiB). Check: FAIL (contract).
 * Check after round 12's fix of 07 and 11: FAIL on the contract alone (unchanged); renamed half-fix-contract-* from the red team's half-fix-both-*: nothing leaks. RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import type { ReadStream } from 'node:fs';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  let file: ReadStream | undefined;
  res.on('close', () => file?.destroy());
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  file = await openStoredFile(name);
  if (res.destroyed) return void file.destroy();
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
