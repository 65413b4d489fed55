/** A server with a syntax error: a bracket left open. */
import express from 'express';
import { readStoredFile } from '#service/storage';

const app = express();

app.get('/files/:name', async (req, res) => {
  const file = await readStoredFile(req.params.name);
  res.send(file;
});

export default app;
