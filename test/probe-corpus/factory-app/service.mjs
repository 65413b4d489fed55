// Search, with a list of recent searches shown on the home page.
import express from 'express';

const recentSearches = [];

export function createApp() {
  const app = express();
  app.get('/search', (req, res) => {
    recentSearches.push({ q: String(req.query.q), at: new Date(), results: Array.from({ length: 1000 }, (_, i) => `result ${i} for ${req.query.q}`) });
    res.json({ recent: recentSearches.length });
  });
  return app;
}
