/**
 * CORRECT: pipeline() closes every file; a status page lists the downloads still in memory without
 * keeping them: a Set of WeakRefs to the file streams, each entry removed by a FinalizationRegistry once
 * its stream is garbage collected. Nothing holds a stream strongly, and the Set never holds more entries
 * than there are uncollected streams. Proof: weak-hook.mts: after 100 aborted videos + GC,
 * liveStreams.size = 0; drive.mts: 0 descriptors, 0 ReadStreams/responses alive. Check: FAIL (wrong:
 * "kept: a check never empties a WeakRef to a request's objects").
 * Check after round 12's fix of 07 and 11: PASS: once the resources are read, a kept WeakRef whose target has closed and that the learner's registry watches goes weak, and that registry's clean-up runs. RIGHT.
 */
import express from 'express';
import path from 'node:path';
import type { ReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

export const liveStreams = new Set<WeakRef<ReadStream>>();
const forget = new FinalizationRegistry<WeakRef<ReadStream>>((ref) => liveStreams.delete(ref));

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  const ref = new WeakRef(file);
  liveStreams.add(ref);
  forget.register(file, ref);
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  pipeline(file, res, (error) => {
    if (error && !res.headersSent) next(error);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
