/**
 * Scenario 02 without the file-change listener: nothing leaks, and a download
 * whose file changes mid-transfer is no longer cut off. The contract must catch it.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res) => {
  const file = await readStoredFile(req.params.name);
  res.type(req.params.name).send(file);
});

app.use(answerErrors);

export default app;
