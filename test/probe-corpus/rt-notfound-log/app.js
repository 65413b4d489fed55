import express from 'express';

// Small product API. Unknown URLs are tallied so the SEO team can see which
// dead links are still being followed (exposed at /admin/missing).
const products = new Map(Array.from({ length: 200 }, (_, i) => [String(i), { id: String(i), name: `Product ${i}`, price: 5 + (i % 40) }]));
const missingHits = new Map();

export const app = express();
app.get('/products/:id', (req, res, next) => {
  const p = products.get(req.params.id);
  if (!p) return next();
  res.json(p);
});
app.get('/admin/missing', (req, res) => {
  res.json([...missingHits.entries()].sort((a, b) => b[1].count - a[1].count).slice(0, 20).map(([url, v]) => ({ url, count: v.count })));
});
app.use((req, res) => {
  const key = req.originalUrl;
  const entry = missingHits.get(key) || { count: 0, firstSeen: new Date(), referers: [], agents: [] };
  entry.count++;
  entry.referers.push(req.get('referer') || '-');
  entry.agents.push(req.get('user-agent') || '-');
  missingHits.set(key, entry);
  res.status(404).json({ error: 'not found', path: key });
});
