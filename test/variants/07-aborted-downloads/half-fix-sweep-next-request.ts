/**
 * INTENDED: no event to get wrong: each request first closes the files of
 *   the downloads that are over (the response finished or its client hung
 *   up), then serves its own.
 * ACTUALLY: LEAKS until someone asks for something: the files of the last
 *   downloads before a quiet spell (the night, a lunch break) stay open for
 *   as long as it lasts, and a burst of hang-ups holds one descriptor each
 *   until the next request comes.
 * PROOF: by hand: 10 downloads cut off at 256 KiB, 10 descriptors still open
 *   10 s later; one more request closes them.
 * Check: FAIL on descriptors, named as closed by the handler of a later
 *   request, at the line that opened them.
 */
import express from 'express';
import path from 'node:path';
import type { ReadStream } from 'node:fs';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const streaming = new Map<ReadStream, express.Response>();

app.get('/files/:name', async (req, res, next) => {
  // close the files of the downloads that are over
  for (const [file, response] of streaming) {
    if (response.destroyed || response.writableFinished) {
      file.destroy();
      streaming.delete(file);
    }
  }
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  streaming.set(file, res);
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
