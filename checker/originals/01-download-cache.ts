/**
 * Photo downloads for the gallery app. Thumbnails and originals are read from
 * the file store; popular ones are kept in memory so the disk is not read for
 * every request.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const thumbnailCache = new Map<string, Buffer>();

app.get('/files/:name', async (req, res) => {
  const cacheKey = req.originalUrl;
  let file = thumbnailCache.get(cacheKey);
  if (file === undefined) {
    file = await readStoredFile(req.params.name);
    thumbnailCache.set(cacheKey, file);
  }
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/files/photo-1.jpg');
