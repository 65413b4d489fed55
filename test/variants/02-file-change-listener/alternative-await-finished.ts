/**
 * RED-TEAM VARIANT
 * alternative (correct on Node 20; written as a suspected 'success path only' half-fix).
 * Intent: `await finished(res)` then off(). Suspicion: finished() rejects on a hang-up and off() is skipped.
 * Actually on Node 20 stream/promises finished(res) RESOLVES for a response whose client hung up mid-transfer (checked with a
 * 32 MiB res.end + client destroy after 1 MiB: 'resolved', writableFinished true) and for early hang-ups.
 * Proof: 0 listeners, 0.1 MiB after full, keep-alive, mid and early hang-ups, errors; cut-off contract OK. Check: PASS (correct).
 * On Node 24 finished(res) REJECTS (ERR_STREAM_PREMATURE_CLOSE) for a client that hung up mid-transfer: off() is
 * skipped and each such download keeps its listener and its file. There it is a half fix, and the check FAILs it
 * (VERDICT_FROM_NODE in checker/bench-variants.ts; `npm run bench -- --variants` on Node 24 found it).
 */
import express from 'express';
import { fileEvents, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

import { finished } from 'node:stream/promises';

const app = express();

app.get('/files/:name', async (req, res) => {
  const { name } = req.params;
  const file = await readStoredFile(name);

  const onFileChanged = (changed: string) => {
    if (changed === name && !res.writableFinished) {
      console.warn(`${name} changed during a download; cutting it off after ${res.socket?.bytesWritten ?? 0} of ${file.length} bytes`);
      res.destroy();
    }
  };
  fileEvents.on('changed', onFileChanged);

  res.type(name).send(file);
  await finished(res);
  fileEvents.off('changed', onFileChanged);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
