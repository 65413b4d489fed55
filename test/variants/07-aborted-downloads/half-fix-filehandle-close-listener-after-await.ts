/**
 * INTENDED: FileHandle version of the #1834 fix: res.on('close', () => handle.close()) registered after `await open()`.
 * ACTUALLY: LEAKS for clients that left during stat/open: 'close' already fired, handle never closed by code; only GC closes it.
 * PROOF: prove.mjs 07: 60 opened, 52 closed by code, 8 closed only by GC; fds 0 after traffic and after gc (GC closed them).
 * Check: FAIL (yours 20, bar 4, 'closed by the garbage collector'). RIGHT.
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

// FileHandle version: close the handle when the response closes (registered after the awaits)
app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const handle = await open(path.join(FILES_DIR, name), 'r');
  res.on('close', () => { void handle.close(); });
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  const file = handle.createReadStream({ autoClose: false, end: Math.max(size - 1, 0) });
  file.on('error', next);
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
