// An activity feed: each event points at the previous one, so "undo" can walk back.
const express = require('express');

const app = express();
let lastEvent = null;

app.post('/events', (req, res) => {
  lastEvent = {
    kind: String(req.query.kind),
    at: Date.now(),
    details: Array.from({ length: 400 }, (_, i) => `event ${req.query.n}, line ${i}`).join('\n'),
    previous: lastEvent,
  };
  res.status(201).json({ ok: true });
});

module.exports = app;
