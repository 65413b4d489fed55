/**
 * INTENDED: readableWebStream({type:'bytes'}) -> pipeline (gzip or plain); `await handle.close()` after the pipeline resolves, inside try.
 * ACTUALLY: LEAKS. When the client hangs up the pipeline rejects, the close is skipped; a web stream's cancel does not close its FileHandle, so only GC does.
 * PROOF: prove.mjs 11: 60 opened, 13 closed by code, 47 closed only by GC; 1 still open after traffic, 0 after global.gc(); up to 24 fds open at once.
 * Check: FAIL (yours 61, bar 4, 'closed by the garbage collector'). RIGHT.
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

// readableWebStream + pipeline for both branches; the handle is closed after the pipeline resolves
app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const handle = await open(path.join(FILES_DIR, name), 'r');
  res.type(path.extname(name));
  res.vary('accept-encoding');
  const file = Readable.fromWeb(handle.readableWebStream({ type: 'bytes' }) as any);
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
