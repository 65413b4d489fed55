import express from 'express';

const PRICE_LIST = { basic: 9.99, pro: 29.0, enterprise: 199.0 };
const TAX = { US: 0.07, DE: 0.19, FR: 0.2, GB: 0.2 };

// Quoting is "expensive", so remember the computed quote for a request
// (the quote is computed in middleware and again when rendering).
const quoteMemo = new WeakMap();
const quoteByRequest = new Map();

function computeQuote(req) {
  if (quoteByRequest.has(req)) return quoteByRequest.get(req);
  const plan = req.query.plan || 'basic';
  const seats = Number(req.query.seats || 1);
  const country = (req.query.country || 'US').toUpperCase();
  const base = (PRICE_LIST[plan] ?? PRICE_LIST.basic) * seats;
  const lines = Array.from({ length: seats }, (_, i) => ({ seat: i + 1, price: PRICE_LIST[plan] ?? 9.99 }));
  const quote = { plan, seats, country, base, tax: base * (TAX[country] ?? 0), lines };
  quoteByRequest.set(req, quote);
  return quote;
}

export const app = express();
app.use('/quote', (req, res, next) => { computeQuote(req); next(); });
app.get('/quote', (req, res) => {
  const q = computeQuote(req);
  res.json({ plan: q.plan, total: +(q.base + q.tax).toFixed(2), seats: q.seats });
});
