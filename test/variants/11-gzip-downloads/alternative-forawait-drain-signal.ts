/**
 * INTENDED: `await using`, AbortSignal tied to res 'close', gzip fed by pipeline(file,gzip,{signal}), for-await over chunks with res.write + once(res,'drain',{signal}).
 * ACTUALLY: CORRECT.
 * PROOF: prove.mjs 11: 60/60 closed by code, 0 by GC, fds 0.
 * Check: PASS (yours 0). RIGHT.
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

// for await over (gzipped) chunks, res.write + drain with an AbortSignal tied to res 'close', await using
app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  await using handle = await open(path.join(FILES_DIR, name), 'r');
  if (res.destroyed) return;
  const gone = new AbortController();
  res.once('close', () => gone.abort());
  res.type(path.extname(name));
  res.vary('accept-encoding');
  const file = handle.createReadStream({ autoClose: false, end: Math.max(size - 1, 0), signal: gone.signal });
  let body: AsyncIterable<Buffer> = file;
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    const gzip = createGzip();
    pipeline(file, gzip, { signal: gone.signal }).catch(() => {});
    body = gzip;
  } else {
    res.setHeader('content-length', size);
  }
  try {
    for await (const chunk of body) {
      if (!res.write(chunk)) await once(res, 'drain', { signal: gone.signal });
    }
    res.end();
  } catch (error) {
    if (!gone.signal.aborted) throw error;
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
