/**
 * INTENDED: Meant as the 'close only on success' half fix: handle.createReadStream({autoClose:false}) -> pipeline, handle.close() only after success.
 * ACTUALLY: CORRECT after all: autoClose:false only stops the stream closing at end/error; pipeline() destroys the source on an early close, and destroy() closes the FileHandle regardless of autoClose (verified standalone: fd -1 after destroy, still open after end).
 * PROOF: prove.mjs 11: 60 opened, 60 closed by code, 0 by GC; fds 0.
 * Check: PASS (yours 0). RIGHT.
 * On Node 24 a half fix: pipeline() into a response that closed during the awaits throws ERR_STREAM_UNABLE_TO_PIPE
 * and leaves the file open; the check FAILs it there on descriptors (VERDICT_FROM_NODE in checker/bench-variants.ts).
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { finished, pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { FILES_DIR, checkFileName, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// pipeline for both branches; the handle is closed after the pipeline resolves
app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const handle = await open(path.join(FILES_DIR, name), 'r');
  res.type(path.extname(name));
  res.vary('accept-encoding');
  const file = handle.createReadStream({ autoClose: false, end: Math.max(size - 1, 0) });
  try {
    if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
      res.setHeader('content-encoding', 'gzip');
      await pipeline(file, createGzip(), res);
    } else {
      res.setHeader('content-length', size);
      await pipeline(file, res);
    }
    await handle.close();
  } catch (error) {
    if (!res.headersSent) next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
