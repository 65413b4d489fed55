/** A server that exits the process when it meets a request it does not like. */
import express from 'express';
import { readStoredFile } from '#service/storage';

const app = express();
let served = 0;

app.get('/files/:name', async (req, res) => {
  if (++served > 2) process.exit(3);
  res.send(await readStoredFile(req.params.name));
});

export default app;
