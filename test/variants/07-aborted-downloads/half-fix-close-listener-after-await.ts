/**
 * INTENDED: The fix from nodejs/node#1834: res.on('close', () => file.destroy()) added after `await openStoredFile()`.
 * ACTUALLY: LEAKS. A client that hangs up while the handler awaits stat/open has already fired 'close' before the listener is added; the ReadStream (plain numeric fd, not a FileHandle) is then never destroyed and GC cannot close it.
 * PROOF: prove.mjs 07 (holds the 1st/2nd/3rd fs call until the client has gone): 8 descriptors on video-1.mp4 after traffic, still 8 after global.gc() (permanent).
 * Check: FAIL (yours 20, bar 4). RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { FILES_DIR, checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// the fix from nodejs/node#1834: destroy the file when the response closes
app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.on('close', () => file.destroy());
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
