// A metrics endpoint that re-records every series it has seen, each time it is called.
import express from 'express';

const app = express();
const samples = [];
let calls = 0;

app.post('/metrics', (req, res) => {
  calls += 1;
  for (let i = 0; i < calls * 40; i++) samples.push({ series: `series-${i}`, at: Date.now(), value: Math.random() });
  res.json({ stored: samples.length });
});

export default app;
