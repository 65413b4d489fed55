/**
 * Blind red team, round 10 (a half fix, proven by hand with the team's own driver): half fix: closes the file on res 'close' (and after hang-ups during the awaits); a Set of open files for shutdown/metrics forgets a file only on 'end', so aborted ones stay in it
 * Check: FAIL: responses kept after their downloads ended (yours 50); records of downloads kept after they ended (yours 382)
 */
import express from 'express';
import path from 'node:path';
import type { ReadStream } from 'node:fs';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

// the files being streamed right now (exported for the metrics endpoint and a graceful shutdown)
export const openFiles = new Set<ReadStream>();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  openFiles.add(file);
  file.on('end', () => openFiles.delete(file));
  if (res.closed) return void file.destroy();
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  res.on('close', () => file.destroy());
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
