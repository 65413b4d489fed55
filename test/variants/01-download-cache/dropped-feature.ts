/**
 * Scenario 01 with the cache deleted: nothing stays in memory, and every
 * download reads the disk again. The contract must catch it.
 */
import express from 'express';
import { readStoredFile } from '#service/storage';
import { answerErrors } from '#service/http-errors';

const app = express();

app.get('/files/:name', async (req, res) => {
  const file = await readStoredFile(req.params.name);
  res.type(req.params.name).set('Cache-Control', 'public, max-age=300').send(file);
});

app.use(answerErrors);

export default app;
