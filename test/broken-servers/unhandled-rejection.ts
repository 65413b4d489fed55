/** A server that starts a promise nobody awaits, and it rejects. */
import express from 'express';
import { readStoredFile } from '#service/storage';

const app = express();
let served = 0;

async function recordDownload(name: string): Promise<void> {
  throw new Error(`download log unavailable for ${name}`);
}

app.get('/files/:name', async (req, res) => {
  if (++served === 3) void recordDownload(req.params.name);
  res.send(await readStoredFile(req.params.name));
});

export default app;
