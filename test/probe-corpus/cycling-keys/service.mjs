// Thumbnails, cached by name: the set of files is small and fixed.
import express from 'express';

const thumbnails = new Map();
const app = express();

app.get('/thumbnails/:name', (req, res) => {
  let png = thumbnails.get(req.params.name);
  if (!png) thumbnails.set(req.params.name, (png = Buffer.alloc(256 * 1024, req.params.name.length)));
  res.type('png').send(png);
});

export default app;
