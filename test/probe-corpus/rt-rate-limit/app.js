import express from 'express';

// Fixed-window rate limiter: 1000 requests per client per 10 s window.
// The counters of the previous window are dropped when a new window starts.
const WINDOW_MS = 10_000;
const LIMIT = 1000;
let windowStart = 0;
let counters = new Map();

function rateLimit(req, res, next) {
  const now = Date.now();
  const w = now - (now % WINDOW_MS);
  if (w !== windowStart) { windowStart = w; counters = new Map(); }
  const client = req.get('x-api-key') || req.ip;
  const c = (counters.get(client) || 0) + 1;
  counters.set(client, c);
  res.set('x-ratelimit-remaining', String(Math.max(0, LIMIT - c)));
  if (c > LIMIT) return res.status(429).json({ error: 'slow down' });
  next();
}

export const app = express();
app.use(rateLimit);
app.get('/api/weather/:city', (req, res) => res.json({ city: req.params.city, tempC: (req.params.city.length * 7) % 35 }));
