/**
 * INTENDED: on res 'close', close the stream's fd by hand if it has one; destroy the stream if the client left during the awaits.
 * ACTUALLY: LEAKS one fd when the client hangs up while the ReadStream's own fs.open is still pending (file.fd is null at 'close', the stream is unpiped and never destroyed, then opens). Also fs.close() behind the stream's back: the stream still believes it owns that fd number.
 * PROOF: downloads.mts: hang-up held at fs call #2 (the ReadStream's fs.open) -> leaked 1, every time; 100 fast aborts -> +2 fds.
 * Check: FAIL (descriptors yours 7-10 x video-1.mp4): the check now holds the ReadStream's own fs.open too (hang-ups at each await, then while the stream opens). RIGHT. (Before: PASS, yours 0; the check held only the handler's awaited stat/open.)
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import fs from 'node:fs';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  if (res.closed) {
    // hung up while we were looking the file up
    file.destroy();
    return;
  }
  // client hung up mid-transfer: release the descriptor
  res.on('close', () => {
    const fd = (file as typeof file & { fd: number | null }).fd; // ReadStream.fd, missing from @types/node
    if (!res.writableFinished && typeof fd === 'number') fs.close(fd, () => {});
  });
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  file.on('error', next);
  file.pipe(res);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
