/** A server whose handler throws on every request (Express answers 500). */
import express from 'express';

const app = express();

app.get('/files/:name', (req) => {
  throw new Error(`no storage configured for ${req.params.name}`);
});

export default app;
