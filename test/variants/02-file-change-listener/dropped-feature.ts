/**
 * Scenario 02 without the file-change listener: nothing leaks, and a download
 * whose file changes mid-transfer is no longer cut off. The contract must catch it.
 */
import express, { type ErrorRequestHandler } from 'express';
import { readStoredFile } from '#service/storage';

const app = express();

app.get('/files/:name', async (req, res) => {
  const file = await readStoredFile(req.params.name);
  res.type(req.params.name).send(file);
});

const onError: ErrorRequestHandler = (error, _req, res, _next) => {
  res.status(error.status ?? 500).json({ error: error.status ? error.message : 'internal error' });
};
app.use(onError);

export default app;
