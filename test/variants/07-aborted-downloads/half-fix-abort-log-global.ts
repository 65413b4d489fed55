/**
 * half-fix. pipeline() closes every file, but each download cut short pushes a record {name, bytesSent, at} onto globalThis.abortedDownloads (a dashboard array on the global object, not a module variable) and nothing ever removes it.
 * Proof: drv/drive-rec.mjs: 0 descriptors left, but globalThis.abortedDownloads.length was 1520 after 20+1500 aborted video downloads (70 after 70); heap +396 B per aborted download vs +173 B for alternative-abortsignal-async-iterator over 1500 aborts. Grows for ever.
 * Check: PASS (records 0, collections 0: the array hangs from globalThis, not from a module-level variable). WRONG VERDICT.
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

interface AbortedDownload {
  name: string;
  bytesSent: number;
  at: number;
}
/** Hang-ups, for the operations dashboard (read from the REPL as globalThis.abortedDownloads). */
const g = globalThis as typeof globalThis & { abortedDownloads?: AbortedDownload[] };

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  pipeline(file, res, (error) => {
    if (error && !res.writableFinished) {
      (g.abortedDownloads ??= []).push({ name, bytesSent: file.bytesRead, at: Date.now() });
    }
    if (error && !res.headersSent) next(error);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
