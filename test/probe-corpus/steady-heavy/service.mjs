// An image "resizer" that works on large buffers and returns a small summary.
import express from 'express';

const app = express();
let served = 0;

app.post('/resize', (req, res) => {
  const pixels = Buffer.alloc(8 * 1024 * 1024, Number(req.query.size) % 255);
  const report = JSON.parse(JSON.stringify({ rows: Array.from({ length: 5000 }, (_, i) => ({ i, sum: pixels[i] })) }));
  served += 1;
  res.json({ served, rows: report.rows.length });
});

export default app;
