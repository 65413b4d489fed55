/** A server whose handler never gives the event loop back. */
import express from 'express';

const app = express();

app.get('/files/:name', (_req, res) => {
  let checksum = 0;
  for (let i = 0; ; i = (i + 1) % 1024) checksum ^= i;
  res.send(String(checksum));
});

export default app;
