/*
 * RED-TEAM VARIANT (alternative)
 * Intended: stream.pipeline(file, res, cb)
 * Actually: pipeline destroys both streams on early close, including a response already closed when it starts
 * Proof:    t07: 0 fds left in every case (256 KiB aborts, before first byte, at headers, paused); photo byte-exact, video 32 MiB complete, 404/400 kept
 * Kit's note: true on Node 20 only. Node 24's pipeline() throws ERR_STREAM_UNABLE_TO_PIPE on a response already closed, and
 * leaves the file open (10 descriptors after the check's hang-ups during the open); the res.destroyed check below is the
 * kit's addition, as in the solution, so this fix is correct on every supported Node.
 */
/**
 * Downloads for the media library: GET /files/:name streams a stored photo or
 * video to the client, without loading it into memory. Videos are large, and
 * players hang up all the time: the viewer seeks, closes the tab, or the phone
 * changes network halfway through.
 */
import express from 'express';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  if (res.destroyed) {
    file.destroy();
    return;
  }
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  pipeline(file, res, (error) => {
    // pipeline destroys both streams when either fails or closes early
    if (error && !res.headersSent && !res.destroyed) next(error);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
