/**
 * INTENDED: pipeline() for the fds + a Map of in-flight downloads (for graceful shutdown / admin page), deleted on res 'finish'.
 * ACTUALLY: LEAKS heap: every aborted download never 'finish'es, so its {req, res, socket, ...} stays in the Map forever (~20 KiB each). fds are all closed.
 * PROOF: downloads.mts: 100 more aborted downloads -> heapUsed +2.01 MiB (correct variants +0.15..0.25 MiB), fds 0.
 * Check: FAIL (responses kept after their downloads ended: yours 70, path activeDownloads -> Map -> Object -> ServerResponse; descriptors 0). RIGHT. (Before: PASS; 07 had no heap measure.)
 */
import express from 'express';
import path from 'node:path';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';
import { pipeline } from 'node:stream';
import type { Request, Response } from 'express';

const app = express();

// In-flight downloads, so that a graceful shutdown can wait for them and the
// admin page can list who is watching what.
const activeDownloads = new Map<number, { req: Request; res: Response; name: string; startedAt: number }>();
let nextId = 0;

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const id = nextId++;
  activeDownloads.set(id, { req, res, name, startedAt: Date.now() });
  res.on('finish', () => activeDownloads.delete(id));
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.setHeader('content-length', size);
  res.setHeader('cache-control', 'private, max-age=3600');
  pipeline(file, res, (error) => {
    if (error && !res.destroyed) next(error);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/video-1.mp4');
