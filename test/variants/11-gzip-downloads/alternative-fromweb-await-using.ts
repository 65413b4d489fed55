/**
 * KIND: correct
 * INTENDED: a FileHandle owned by `await using` (closed when the handler leaves, whatever happens), its
 *   contents read as a web stream and bridged with Readable.fromWeb, compressed with zlib, all in one
 *   stream/promises pipeline that the response's early close tears down.
 * ACTUALLY: `await using` closes the FileHandle when the handler leaves; the pipeline (web stream -> Readable.fromWeb -> gzip -> res) rejects on early close, so the handler leaves at once. Note: needs readableWebStream({ type: 'bytes' }) on Node 20 (without it chunks are ArrayBuffers and Node 20.20 even aborts on an assertion when the handle is closed after that error).
 * PROOF: drive11.mjs: all features ok as above; 0 fds at t+0 after all hang-ups.
 * Check: PASS: yours 0 -- RIGHT
 */
import express from 'express';
import path from 'node:path';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { createGzip } from 'node:zlib';
import { checkFileName, storedFileSize, FILES_DIR } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  if (res.destroyed) return;
  await using handle = await open(path.join(FILES_DIR, name));
  const body = Readable.fromWeb(handle.readableWebStream({ type: 'bytes' }) as ReadableStream<Uint8Array>);
  res.type(path.extname(name));
  res.vary('accept-encoding');
  try {
    if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
      res.setHeader('content-encoding', 'gzip');
      await pipeline(body, createGzip(), res);
    } else {
      res.setHeader('content-length', size);
      await pipeline(body, res);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
