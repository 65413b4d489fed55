/*
 * RED-TEAM VARIANT (half-fix-contract)
 * Intended: no stream, no descriptor to forget: read the file whole and res.send it
 * Actually: no fd leak, but every download now holds the whole file in memory (32 MiB per video), which the README says the service exists to avoid
 * Proof:    t07: 0 fds left after every kind of hang-up, downloads exact; handtest/t07mem.ts, 4 paused players on video-1.mp4: heap+arrayBuffers peak +129.3 MiB (server.ts +19.0, pipeline fix +18.6)
 */
/**
 * Downloads for the media library: GET /files/:name streams a stored photo or
 * video to the client, without loading it into memory. Videos are large, and
 * players hang up all the time: the viewer seeks, closes the tab, or the phone
 * changes network halfway through.
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res) => {
  const name = checkFileName(req.params.name);
  // no stream, no descriptor to forget: readFile opens and closes the file itself
  const data = await readStoredFile(name);
  res.type(path.extname(name));
  res.setHeader('cache-control', 'private, max-age=3600');
  res.send(data);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
