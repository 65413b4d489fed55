/**
 * INTENDED: Skip streams altogether: res.end(await readStoredFile(name)).
 * ACTUALLY: No descriptor leak, but holds the whole 32 MiB video per request; breaks the streaming contract.
 * PROOF: prove.mjs 07: fds 0, no FileHandles. paused.mjs: arrayBuffers 32.0 MiB during the pause.
 * Check: FAIL (contract: 'the server held 32.0 MiB more in Buffers'). RIGHT. Calibration for half-fix-ignore-write-return.
 */
import express from 'express';
import path from 'node:path';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { readStoredFile, FILES_DIR, checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// stream.promises.pipeline with handle.createReadStream (autoClose) and a re-check after open
// no stream, no descriptor to leak: read the whole file and send it
app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  const data = await readStoredFile(name);
  res.type(path.extname(name));
  res.setHeader('cache-control', 'private, max-age=3600');
  res.end(data);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
