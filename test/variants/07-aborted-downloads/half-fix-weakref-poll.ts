/**
 * INTENDED: keep each open file beside a WeakRef to its response, and close
 *   the file once the response is gone: a short poll (100 ms) asks each
 *   WeakRef, so nothing has to remember which events a hang-up fires.
 * ACTUALLY: LEAKS descriptors: a file is closed only after the collector has
 *   collected its response. A response that lived a few seconds is in the
 *   old generation, which a service collects when its heap fills, minutes
 *   later or never on a quiet one; every hang-up keeps its video open until
 *   then, and the process runs out of descriptors long before it runs out of
 *   heap. The happy path is fine: pipe() closes a file read to its end.
 * PROOF: by hand, without --expose-gc: 20 downloads cut off at 256 KiB,
 *   20 descriptors still open 10 s later; they close only after a full
 *   collection (global.gc() with --expose-gc).
 * Check: FAIL on open descriptors, at the line that opened them, with the
 *   WeakRef's line beside it.
 */
import express from 'express';
import path from 'node:path';
import type { ReadStream } from 'node:fs';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// open files, each with a weak reference to the response it is sent to
const openFiles = new Set<{ file: ReadStream; response: WeakRef<express.Response> }>();
setInterval(() => {
  for (const entry of openFiles) {
    if (entry.response.deref()) continue;
    entry.file.destroy();
    openFiles.delete(entry);
  }
}, 100).unref();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  const entry = { file, response: new WeakRef(res) };
  openFiles.add(entry);
  file.on('close', () => openFiles.delete(entry));
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
