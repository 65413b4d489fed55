/** A server that keeps every request's copy in a JavaScript array until the heap is full. */
import express from 'express';
import { readStoredFile } from '#service/storage';

const app = express();
const history: string[][] = [];

app.get('/files/:name', async (req, res) => {
  const file = await readStoredFile(req.params.name);
  // Millions of small strings on the JavaScript heap (not Buffers): the heap fills, then V8 aborts.
  for (let round = 0; round < 64; round++) history.push(Array.from({ length: 100_000 }, (_, i) => `${req.params.name}:${round}:${i}`));
  res.send(file);
});

export default app;
