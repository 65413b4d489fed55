/**
 * half-fix. pipeline() closes every file, but each download cut short appends a line to a module-level string `abortLog` (dumped on SIGUSR2) that is never trimmed.
 * Proof: drv/drive-rec.mjs: 0 descriptors left; after 70 aborted downloads SIGUSR2 printed 70 lines (about 70 B each): one line per hang-up, for ever.
 * Check: PASS (records 0, collections 0: one growing string is neither a record object nor a collection). WRONG VERDICT.
 * Round 13: the check was changed for it: FAIL now (a check before the change: PASS, as above).
 */
/**
 * Downloads for the media library: GET /files/:name streams a stored photo or
 * video to the client, without loading it into memory. Videos are large, and
 * players hang up all the time: the viewer seeks, closes the tab, or the phone
 * changes network halfway through.
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { pipeline } from 'node:stream';

const app = express();

/** One line per hang-up, dumped to the log on SIGUSR2 for the weekly report. */
let abortLog = '';
process.on('SIGUSR2', () => console.log(abortLog));

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  pipeline(file, res, (error) => {
    if (error && !res.writableFinished) abortLog += `${new Date().toISOString()} ${name} aborted after ${file.bytesRead} bytes\n`;
    if (error && !res.headersSent) next(error);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
