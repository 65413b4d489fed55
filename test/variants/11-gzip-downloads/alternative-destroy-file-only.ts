/**
 * CORRECT (by measure): on the response's 'close' (registered right after the awaits, plus a check of
 * res.destroyed for clients gone during them) it destroys the *file* stream, in both branches, and never
 * touches the Gzip. The file's descriptor is closed; the Gzip is left unended but nothing refers to it any
 * more, so the garbage collector frees it and its zlib state. Proof: drive.mts: 0 descriptors, 0 Gzip
 * objects alive after GC, external memory flat.
 * Check after round 12's fix of 07 and 11: PASS (unchanged). RIGHT.
 */
import express from 'express';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { checkFileName, openStoredFile, storedFileSize } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res, next) => {
  const name = checkFileName(req.params.name);
  const size = await storedFileSize(name);
  const file = await openStoredFile(name);
  res.type(path.extname(name));
  res.vary('accept-encoding');
  file.on('error', next);
  res.on('close', () => file.destroy());
  if (res.destroyed) file.destroy();
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.setHeader('content-encoding', 'gzip');
    file.pipe(createGzip()).pipe(res);
  } else {
    res.setHeader('content-length', size);
    file.pipe(res);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/access-log.csv');
