/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: stream.pipeline(file, res) closes every file; a Set of open files (for an open-files gauge and shutdown) forgets a file only on 'end', so every aborted download's ReadStream stays in it for ever
 * Check: FAIL: responses kept after their downloads ended (yours 70); records of downloads kept after they ended (yours 3408)
 */
import express from 'express';
import path from 'node:path';
import { pipeline } from 'node:stream';
import type { ReadStream } from 'node:fs';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// the files being streamed right now (for the open-files gauge and a graceful shutdown)
export const openFiles = new Set<ReadStream>();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  openFiles.add(file);
  file.on('end', () => openFiles.delete(file));
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  pipeline(file, res, (err) => {
    if (err && !res.headersSent) next(err);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
