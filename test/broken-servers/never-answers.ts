/** A server whose handler forgets to answer: every request hangs. */
import express from 'express';

const app = express();

app.get('/files/:name', (_req, _res) => {
  // forgot res.send()
});

export default app;
