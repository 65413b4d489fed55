import express from 'express';
import { LRUCache } from 'lru-cache';

// Product pages are rendered and cached (big, bounded). Carts are tracked so
// abandoned-cart emails can be sent.
const pageCache = new LRUCache({ max: 40 });
const cartsById = new Map();

function renderProductPage(id) {
  const reviews = Array.from({ length: 120 }, (_, i) => `<li>Review ${i} of product ${id}: ${'great '.repeat(20)}</li>`);
  return `<html><body><h1>Product ${id}</h1><ul>${reviews.join('')}</ul></body></html>`;
}

export const app = express();
app.use(express.json());
app.get('/p/:id', (req, res) => {
  let html = pageCache.get(req.params.id);
  if (!html) { html = renderProductPage(req.params.id); pageCache.set(req.params.id, html); }
  res.type('html').send(html);
});
app.post('/cart/:cartId/items', (req, res) => {
  const cart = cartsById.get(req.params.cartId) || { id: req.params.cartId, items: [], updatedAt: 0 };
  cart.items.push({ sku: req.body?.sku ?? 'unknown', qty: req.body?.qty ?? 1 });
  cart.updatedAt = Date.now();
  cartsById.set(cart.id, cart);
  res.status(201).json({ items: cart.items.length });
});
app.post('/cart/:cartId/checkout', (req, res) => {
  const cart = cartsById.get(req.params.cartId);
  if (!cart) return res.status(404).json({ error: 'no cart' });
  res.json({ ok: true, total: cart.items.length * 10 });
});
