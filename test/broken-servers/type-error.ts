/** A server with a type error that tsx runs anyway: a misspelt property, called. */
import express from 'express';
import { readStoredFile } from '#service/storage';

const app = express();

app.get('/files/:name', async (req, res) => {
  const file = await readStoredFile(req.params.name);
  res.set('Content-Length', file.lenght.toString()).send(file);
});

export default app;
