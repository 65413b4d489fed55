/** A server that throws outside any request, a little into the traffic: nothing can catch it. */
import express from 'express';
import { readStoredFile } from '#service/storage';

const app = express();
let served = 0;

app.get('/files/:name', async (req, res) => {
  if (++served === 3) setImmediate(() => { throw new Error('cache index corrupt'); });
  res.send(await readStoredFile(req.params.name));
});

export default app;
