/**
 * INTENDED: `await using handle`, for-await over handle.createReadStream, `if (!res.write(chunk)) await once(res, 'drain')`.
 * ACTUALLY: LEAKS. When the client hangs up, 'drain' never comes and events.once() does not reject on 'close'; the async function is parked forever, so `await using` never disposes. The handle is closed only when GC collects the parked closure.
 * PROOF: prove.mjs 07: 60 opened, 14 closed by code, 46 closed only by GC; up to 27 descriptors open at once during traffic; 0 after gc.
 * Check: FAIL (yours 60, bar 4, 'closed by the garbage collector'). RIGHT.
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

// await using + a for-await loop that respects back-pressure with once(res, 'drain')
app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  await using handle = await open(path.join(FILES_DIR, name), 'r');
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  for await (const chunk of handle.createReadStream({ autoClose: false, end: Math.max(size - 1, 0) })) {
    if (!res.write(chunk)) await once(res, 'drain');
  }
  res.end();
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
