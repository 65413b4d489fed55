// Background jobs with a progress ticker.
const express = require('express');

const app = express();
let nextJob = 1;

app.post('/jobs', (req, res) => {
  const job = { id: nextJob++, progress: 0, workspace: Buffer.alloc(64 * 1024) };
  const ticker = setInterval(() => {
    job.progress = Math.min(100, job.progress + 10);
  }, 60_000);
  ticker.unref();
  res.status(202).json({ id: job.id });
});

module.exports = app;
