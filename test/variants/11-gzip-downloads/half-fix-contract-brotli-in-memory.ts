/**
 * CONTRACT BREAK: pipeline() for gzip and plain (descriptors fine), and Brotli added for the iOS app,
 * which prefers it: "Brotli compresses best on the whole file", so the br branch reads the whole file
 * (readStoredFile) and compresses it in one go (brotliCompress at quality 5), then sends it with its
 * length. That branch does not stream: each Brotli download holds the 16 MiB log plus its compressed copy
 * in memory, reads the whole file even when the client is gone or paused, and sends nothing until the
 * last byte is read and compressed. README: "the service streams, in both branches". Proof: ttfb-hook.mts,
 * 8 concurrent br downloads: first byte after 7.5-8.3 s, peak external+arrayBuffers +343 MiB (streaming br
 * in alternative-multi-encoding: 2.0-2.3 s, +66 MiB; gzip: 0.14 s, +4 MiB). Check: PASS (wrong).
 * Verdict after the fix: FAIL on the contract (RIGHT): the iOS app's download of the log, sent as br, sent nothing until
 *   the server had read more than 12 MiB (it waited on readFile at line 32, held by the disk); its paused download of
 *   video-1.mp4 holds 32 MiB. Every measure passes.
 */
import express from 'express';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, createGzip } from 'node:zlib';
import { pipeline } from 'node:stream';
import { checkFileName, openStoredFile, readStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const brotli = promisify(brotliCompress);
const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  res.type(path.extname(name));
  res.vary('accept-encoding');
  const encoding = req.acceptsEncodings('br', 'gzip', 'identity');
  if (encoding === 'br') {
    const body = await brotli(await readStoredFile(name), { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
    res.setHeader('content-encoding', 'br');
    res.setHeader('content-length', body.length);
    res.end(body);
    return;
  }
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  const done = (error: Error | null | undefined) => {
      if (error && !res.headersSent) next(error);
    };
  if (encoding === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    pipeline(file, createGzip(), res, done);
  } else {
    res.setHeader('content-length', size);
    pipeline(file, res, done);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
