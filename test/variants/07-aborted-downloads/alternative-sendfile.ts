/*
 * RED-TEAM VARIANT (alternative)
 * Intended: let express's res.sendFile (the send module) stream from the file store's folder
 * Actually: send closes its stream on client hang-up; ENOENT mapped to the store's 404 error, header set kept
 * Proof:    t07: 0 fds in every case; photo sha matches, type and length right, cache-control 'private, max-age=3600', 404/400
 */
/**
 * Downloads for the media library: GET /files/:name streams a stored photo or
 * video to the client, without loading it into memory. Videos are large, and
 * players hang up all the time: the viewer seeks, closes the tab, or the phone
 * changes network halfway through.
 */
import express from 'express';
import { checkFileName, FileNotFoundError, FILES_DIR } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', (req, res, next) => {
  const name = checkFileName(req.params.name);
  // express's sendFile (the `send` module) streams from disk and closes the file when the client hangs up
  res.sendFile(name, { root: FILES_DIR, cacheControl: false, acceptRanges: false, etag: false, lastModified: false, headers: { 'cache-control': 'private, max-age=3600' } }, (error?: NodeJS.ErrnoException) => {
    if (!error) return;
    if (res.headersSent || error.code === 'ECONNABORTED') return;
    next(error.code === 'ENOENT' ? new FileNotFoundError(name) : error);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
