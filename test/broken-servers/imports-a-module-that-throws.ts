/** A service whose server.ts is fine but imports a module that throws while it loads: the sentence must point into that module. */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { settings } from './parts/settings.ts';

const app = express();

app.get('/files/:name', async (req, res) => {
  res.setHeader('x-cache-entries', String(settings.limit));
  res.type('image/jpeg').send(await readStoredFile(req.params.name));
});

export default app;
