import express from 'express';

// Landing page service; counts page views per browser for the marketing dashboard.
const viewsByAgent = new Map();

export const app = express();
app.use((req, res, next) => {
  const ua = req.get('user-agent') || 'unknown';
  const s = viewsByAgent.get(ua) || { views: 0, firstSeen: Date.now(), paths: new Set() };
  s.views++;
  s.paths.add(req.path);
  viewsByAgent.set(ua, s);
  next();
});
app.get('/', (req, res) => res.type('html').send('<h1>Welcome</h1>'));
app.get('/pricing', (req, res) => res.type('html').send('<h1>Pricing</h1>'));
